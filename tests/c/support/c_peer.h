/* Helpers shared by the C façade tests (the .c files of tests/c): a free loopback port,
 * a throwaway PKI made by the openssl CLI, and an `openssl s_server`
 * started on 127.0.0.1. POSIX only; linked into every C test. */
#ifndef MACTLS_TESTS_C_PEER_H
#define MACTLS_TESTS_C_PEER_H

#include <stddef.h>
#include <sys/types.h>

/** Sleeps `ms` milliseconds. */
void c_sleep_ms(int ms);
/** 1 when `needle` occurs in `hay` (both non-NULL). */
int c_contains(const char* hay, const char* needle);
/** A port on 127.0.0.1 that nothing listens on (bound, then released); 0 on failure. */
unsigned short c_free_port(void);
/** Runs a shell command; 1 on exit status 0, else prints it and returns 0. */
int c_run(const char* cmd);
/** 1 when the openssl CLI is on PATH. */
int c_have_openssl(void);
/** In `dir`: ca.pem/ca.key (P-256 root "mactls-c-test-root"), ca.der (the
 * same root as DER), leaf.pem/leaf.key (P-256, DNS:localhost). 1 on success. */
int c_make_pki(const char* dir);
/** Starts `openssl s_server -www -tls1_3` with dir's leaf on
 * 127.0.0.1:port (plus `extra`, an optional NULL-terminated argument list),
 * logging to dir/s_server.log; returns its pid or -1. */
pid_t c_start_s_server(const char* dir, unsigned short port, const char* const* extra);
/** SIGTERM and reap. */
void c_stop(pid_t pid);
/** Reads a whole file into a malloc'd buffer (*len set); NULL on failure. */
unsigned char* c_read_file(const char* path, size_t* len);

#endif
