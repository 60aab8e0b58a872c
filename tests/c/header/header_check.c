/* mactls.h must compile as C89 with -pedantic-errors (the Mac OS 9
 * toolchains), and as C++: tests/CMakeLists.txt compiles this file both
 * ways. It names every type and takes the address of every function, so a
 * declaration C89 or C++ rejects, or a type that drifts, fails the build. */
#include "mactls/mactls.h"

static mactls_io my_connect_start(void* user, const char* host, mactls_u16 port, void** stream,
                                  char* err, size_t err_cap) {
  (void)user; (void)host; (void)port; (void)stream; (void)err; (void)err_cap;
  return MACTLS_IO_WOULD_BLOCK;
}
static mactls_io my_connect_poll(void* user, void* stream, char* err, size_t err_cap) {
  (void)user; (void)stream; (void)err; (void)err_cap;
  return MACTLS_IO_OK;
}
static mactls_io my_send(void* user, void* stream, const unsigned char* data, size_t len,
                         size_t* sent, char* err, size_t err_cap) {
  (void)user; (void)stream; (void)data; (void)err; (void)err_cap;
  *sent = len;
  return MACTLS_IO_OK;
}
static mactls_io my_receive(void* user, void* stream, unsigned char* buf, size_t cap,
                            size_t* received, char* err, size_t err_cap) {
  (void)user; (void)stream; (void)buf; (void)cap; (void)err; (void)err_cap;
  *received = 0;
  return MACTLS_IO_EOF;
}
static void my_close(void* user, void* stream) { (void)user; (void)stream; }
static int my_entropy(void* user, unsigned char* out, size_t len, char* err, size_t err_cap) {
  (void)user; (void)out; (void)len; (void)err; (void)err_cap;
  return -1;
}
static mactls_u64 my_mono(void* user) { (void)user; return 1; }
static mactls_i64 my_unix(void* user) { (void)user; return (mactls_i64)1700000000 * 1000; }
static void my_keylog(void* user, const char* label, const unsigned char* client_random,
                      const unsigned char* secret, size_t secret_len) {
  (void)user; (void)label; (void)client_random; (void)secret; (void)secret_len;
}

static void my_ticket_stored(void* user, mactls_conn* conn, mactls_u16 version) {
  (void)user; (void)conn; (void)version;
}

/* The named code points are integer constant expressions that fit
 * mactls_u16 (usable in a C89 static initialiser and a switch). */
static const mactls_u16 kCodePoints[] = {
    MACTLS_TLS_1_2, MACTLS_TLS_1_3,
    MACTLS_SUITE_AES_128_GCM_SHA256, MACTLS_SUITE_AES_256_GCM_SHA384, MACTLS_SUITE_CHACHA20_POLY1305_SHA256,
    MACTLS_SUITE_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256, MACTLS_SUITE_ECDHE_ECDSA_WITH_AES_256_GCM_SHA384,
    MACTLS_SUITE_ECDHE_ECDSA_WITH_CHACHA20_POLY1305_SHA256, MACTLS_SUITE_ECDHE_RSA_WITH_AES_128_GCM_SHA256,
    MACTLS_SUITE_ECDHE_RSA_WITH_AES_256_GCM_SHA384, MACTLS_SUITE_ECDHE_RSA_WITH_CHACHA20_POLY1305_SHA256,
    MACTLS_GROUP_SECP256R1, MACTLS_GROUP_SECP384R1, MACTLS_GROUP_X25519,
    MACTLS_SIG_RSA_PKCS1_SHA256, MACTLS_SIG_RSA_PKCS1_SHA384, MACTLS_SIG_RSA_PKCS1_SHA512,
    MACTLS_SIG_ECDSA_SECP256R1_SHA256, MACTLS_SIG_ECDSA_SECP384R1_SHA384, MACTLS_SIG_RSA_PSS_RSAE_SHA256,
    MACTLS_SIG_RSA_PSS_RSAE_SHA384, MACTLS_SIG_RSA_PSS_RSAE_SHA512, MACTLS_SIG_ED25519,
    MACTLS_SIG_RSA_PSS_PSS_SHA256, MACTLS_SIG_RSA_PSS_PSS_SHA384, MACTLS_SIG_RSA_PSS_PSS_SHA512};

static int is_tls13_suite(mactls_u16 suite) {
  switch (suite) {
    case MACTLS_SUITE_AES_128_GCM_SHA256:
    case MACTLS_SUITE_AES_256_GCM_SHA384:
    case MACTLS_SUITE_CHACHA20_POLY1305_SHA256: return 1;
    default: return 0;
  }
}

static const unsigned char kNotACert[2] = {0x30, 0x00};
static const mactls_embedded_anchor kAnchors[1] = {{kNotACert, sizeof kNotACert}};

int header_check(void);
int header_check(void) {
  mactls_transport t;
  mactls_config* cfg = mactls_config_new();
  mactls_ticket_store* store = mactls_ticket_store_new_memory();
  mactls_conn* c;
  mactls_engine* e;
  mactls_engine_state es;
  size_t n = 0;
  const unsigned char* out;
  mactls_info info;
  mactls_interest interest;
  mactls_u32 ev = 0;
  mactls_state s;
  mactls_error_origin o = MACTLS_ORIGIN_USAGE;
  const char* alpn[2];
  char buf[16];
  alpn[0] = "h2";
  alpn[1] = "http/1.1";
  t.connect_start = my_connect_start;
  t.connect_poll = my_connect_poll;
  t.send = my_send;
  t.receive = my_receive;
  t.close = my_close;
  t.native_handle = 0;
  (void)o;
  (void)is_tls13_suite(kCodePoints[2]);
  (void)mactls_config_set_transport(cfg, &t, 0);
  (void)mactls_config_set_entropy(cfg, my_entropy, 0);
  (void)mactls_config_set_clock(cfg, my_mono, my_unix, 0);
  (void)mactls_config_set_keylog(cfg, my_keylog, 0);
  (void)mactls_config_set_alpn(cfg, alpn, 2);
  (void)mactls_config_add_embedded(cfg, kAnchors, 1);
  (void)mactls_config_add_pem(cfg, "", 0);
  (void)mactls_config_add_der(cfg, kNotACert, sizeof kNotACert);
  (void)mactls_config_load_ca_file(cfg, "/nonexistent");
  (void)mactls_config_ca_count(cfg);
  (void)mactls_config_set_ticket_store(cfg, store);
  (void)mactls_config_set_timeouts(cfg, 1000, 1000);
  (void)mactls_config_last_error(cfg);
  (void)mactls_ticket_store_count(store);
  c = mactls_conn_new(cfg, "example.com", 443);
  (void)mactls_conn_set_dial(c, "127.0.0.1", 4433);
  (void)mactls_conn_set_ticket_callback(c, my_ticket_stored, 0);
  (void)mactls_conn_set_offer_resumption(c, 0);
  s = mactls_conn_start(c);
  s = mactls_conn_pump(c, &ev);
  (void)mactls_conn_write(c, "x", 1);
  (void)mactls_conn_read(c, buf, sizeof buf);
  (void)mactls_conn_interest(c, &interest);
  (void)mactls_conn_info(c, &info);
  (void)mactls_conn_peer_cert(c, 0);
  (void)mactls_conn_last_error(c);
  (void)mactls_state_name(s);
  (void)mactls_conn_state(c);
  mactls_conn_close(c);
  mactls_conn_dispose(c);
  e = mactls_engine_new(cfg, "example.com", 443);
  (void)mactls_engine_start(e);
  out = mactls_engine_output(e, &n);
  (void)out;
  mactls_engine_output_done(e, n);
  (void)mactls_engine_feed(e, buf, sizeof buf, &n);
  (void)mactls_engine_write(e, "x", 1);
  (void)mactls_engine_read(e, buf, sizeof buf);
  (void)mactls_engine_readable(e);
  (void)mactls_engine_close(e);
  es = mactls_engine_state_of(e);
  (void)es;
  (void)mactls_engine_last_error(e);
  (void)mactls_engine_info(e, &info);
  mactls_engine_free(e);
  mactls_config_free(cfg);
  mactls_ticket_store_free(store);
  return (int)(ev & (MACTLS_EVENT_FAILED | MACTLS_EVENT_TICKET_STORED));
}
