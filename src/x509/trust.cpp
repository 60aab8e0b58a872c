#include <nettle/base64.h>

#include <cstdio>
#include <cstring>
#include <string>

#include "x509/trust_impl.h"

namespace mactls {

TrustStore::TrustStore() : impl_(new Impl()) {}
TrustStore::~TrustStore() = default;

namespace {

Status add_anchor(TrustStore::Impl& m, Bytes owned, ByteView der) {
  auto a = std::make_unique<TrustAnchor>();
  a->owned = std::move(owned);
  ByteView v = a->owned.empty() ? der : ByteView(a->owned);
  MACTLS_TRY(parse_certificate(v, &a->cert, CertRole::anchor));
  // The absolute RSA floor here; the configured floor (Limits::min_rsa_bits)
  // is applied per verification by the path builder.
  MACTLS_TRY(a->key.parse_spki(a->cert.spki, 1024));
  m.id.update(v);
  m.anchors.push_back(std::move(a));
  return Status::ok();
}

}  // namespace

Status TrustStore::add_der(const uint8_t* der, size_t len) {
  Bytes copy(der, der + len);
  ByteView v(copy);
  return add_anchor(*impl_, std::move(copy), v);
}

Status TrustStore::add_embedded(const EmbeddedAnchor* list, size_t n) {
  for (size_t i = 0; i < n; ++i) MACTLS_TRY(add_anchor(*impl_, Bytes(), ByteView(list[i].der, list[i].len)));
  return Status::ok();
}

Status TrustStore::add_pem(const char* data, size_t len) {
  static const char kBegin[] = "-----BEGIN CERTIFICATE-----";
  static const char kEnd[] = "-----END CERTIFICATE-----";
  std::string text(data, len);
  // A truncated bundle fails before anything is added, so a failed
  // add_pem leaves the anchors as they were (a caller that falls back to
  // another bundle must not end up trusting half of this one).
  for (size_t p = 0;;) {
    size_t b = text.find(kBegin, p);
    if (b == std::string::npos) break;
    size_t e = text.find(kEnd, b + sizeof kBegin - 1);
    if (e == std::string::npos) return Status::fail(Alert::bad_certificate, "PEM certificate block is not terminated");
    p = e + sizeof kEnd - 1;
  }
  size_t pos = 0, added = 0;
  for (;;) {
    size_t b = text.find(kBegin, pos);
    if (b == std::string::npos) break;
    b += sizeof kBegin - 1;
    size_t e = text.find(kEnd, b);
    if (e == std::string::npos) return Status::fail(Alert::bad_certificate, "PEM certificate block is not terminated");
    pos = e + sizeof kEnd - 1;
    std::string b64;
    for (size_t i = b; i < e; ++i)
      if (text[i] != '\n' && text[i] != '\r' && text[i] != ' ' && text[i] != '\t') b64 += text[i];
    Bytes der(BASE64_DECODE_LENGTH(b64.size()));
    base64_decode_ctx ctx;
    base64_decode_init(&ctx);
    size_t out_len = der.size();
    if (!base64_decode_update(&ctx, &out_len, der.data(), b64.size(), b64.data()) || !base64_decode_final(&ctx)) {
      impl_->skipped++;
      continue;
    }
    der.resize(out_len);
    ByteView v(der);
    if (add_anchor(*impl_, std::move(der), v).is_ok())
      added++;
    else
      impl_->skipped++;
  }
  if (added == 0) return Status::fail(Alert::unknown_ca, "no usable certificate in the PEM data");
  return Status::ok();
}

Status TrustStore::add_pem_file(const char* path) {
  FILE* f = std::fopen(path, "rb");
  if (!f) return Status::make(ErrorOrigin::usage, Alert::internal_error, "cannot open the trust anchor file");
  std::string data;
  char buf[8192];
  size_t n;
  while ((n = std::fread(buf, 1, sizeof buf, f)) > 0) data.append(buf, n);
  std::fclose(f);
  return add_pem(data.data(), data.size());
}

size_t TrustStore::size() const { return impl_->anchors.size(); }
size_t TrustStore::skipped() const { return impl_->skipped; }
void TrustStore::id(uint8_t out[32]) const { impl_->id.peek(out); }

}  // namespace mactls
