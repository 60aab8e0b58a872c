// Test support: a throwaway PKI made at test time with the openssl CLI (no
// private key is ever committed). Keys and certificates live in a fresh
// temporary directory that is removed with the Pki.
#ifndef MACTLS_TESTS_SUPPORT_PKI_H
#define MACTLS_TESTS_SUPPORT_PKI_H

#include <string>
#include <vector>

#include "common/bytes.h"

namespace mactls::test {

enum class KeyKind { rsa2048, rsa4096, rsa_pss2048, p256, p384, ed25519 };

struct CertSpec {
  std::string name;            ///< file stem and subject CN
  KeyKind key = KeyKind::p256;
  std::string issuer;          ///< name of the issuing certificate; empty = self-signed
  bool ca = false;
  int path_len = -1;
  std::vector<std::string> dns_sans;
  std::vector<std::string> ip_sans;
  int not_before_days = -1;    ///< relative to now
  int not_after_days = 365;    ///< relative to now
  bool server_auth_eku = true; ///< leaf EKU serverAuth (false: clientAuth only)
  std::string key_usage;       ///< openssl syntax; empty = none
  std::string digest = "sha256";
  std::vector<std::string> extra_extensions;  ///< openssl config lines
  std::string cn;              ///< subject CN when not `name` (several certificates with one name)
  std::string key_name;        ///< use the key of this name (same key, another certificate); empty = own key
  std::string ca_key_usage = "critical, keyCertSign, cRLSign";  ///< keyUsage of a CA; empty = none
  bool ca_basic_constraints = true;  ///< false: a CA spec without basicConstraints (a v1-style root)
  /// An RSA issuer signs this certificate with RSASSA-PSS (salt = digest
  /// length, RFC 4055) instead of PKCS#1 v1.5, its key staying rsaEncryption.
  bool pss_signature = false;
};

/// A leaf (or, with ca = true, a CA) issued by `issuer` for `dns_sans`.
inline CertSpec cert_spec(const std::string& name, KeyKind key, const std::string& issuer,
                          std::vector<std::string> dns_sans = {}, bool ca = false) {
  CertSpec s;
  s.name = name;
  s.key = key;
  s.issuer = issuer;
  s.dns_sans = std::move(dns_sans);
  s.ca = ca;
  return s;
}

class Pki {
 public:
  Pki();
  ~Pki();
  Pki(const Pki&) = delete;
  Pki& operator=(const Pki&) = delete;

  const std::string& dir() const { return dir_; }
  /// Makes the key (unless it exists) and the certificate; adds a test
  /// failure with openssl's output and returns false on error.
  bool issue(const CertSpec& spec);
  std::string cert_path(const std::string& name) const { return dir_ + "/" + name + ".pem"; }
  std::string key_path(const std::string& name) const { return dir_ + "/" + name + ".key"; }
  Bytes cert_der(const std::string& name) const;
  std::string cert_pem(const std::string& name) const;

  /// <prefix>-root (CA), <prefix>-int (CA, pathlen 0) and <prefix>-leaf for
  /// `host` (DNS SAN; also an IP SAN when host is an IPv4 literal).
  /// With `pss_signatures`, every certificate of an RSA chain is signed
  /// with RSASSA-PSS (CertSpec::pss_signature).
  bool make_chain(const std::string& prefix, KeyKind ca_key, KeyKind leaf_key, const std::string& host,
                  bool pss_signatures = false);
  /// leaf + intermediate PEM: what a server sends.
  std::string chain_path(const std::string& prefix) const { return dir_ + "/" + prefix + "-chain.pem"; }
  /// Writes the named certificates into one PEM file and returns its path.
  std::string bundle_path(const std::string& file, const std::vector<std::string>& names);

 private:
  bool run(const std::string& cmd, const std::string& what);
  bool make_key(const std::string& name, KeyKind kind);
  std::string dir_;
};

/// Runs a shell command; returns its exit status and fills `output` with
/// stdout+stderr.
int run_command(const std::string& cmd, std::string* output);

}  // namespace mactls::test

#endif
