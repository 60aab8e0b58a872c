#include "support/pki.h"

#include <gtest/gtest.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cstdio>
#include <cstdlib>
#include <ctime>
#include <fstream>
#include <sstream>

#include "support/vectors.h"

namespace mactls::test {

int run_command(const std::string& cmd, std::string* output) {
  std::string full = "(" + cmd + ") 2>&1";
  FILE* f = popen(full.c_str(), "r");
  if (!f) return -1;
  char buf[4096];
  size_t n;
  std::string out;
  while ((n = fread(buf, 1, sizeof buf, f)) > 0) out.append(buf, n);
  int rc = pclose(f);
  if (output) *output = out;
  return WIFEXITED(rc) ? WEXITSTATUS(rc) : -1;
}

namespace {

std::string stamp(int days_from_now) {
  time_t t = time(nullptr) + time_t(days_from_now) * 86400;
  struct tm g;
  gmtime_r(&t, &g);
  char buf[32];
  strftime(buf, sizeof buf, "%Y%m%d%H%M%SZ", &g);
  return buf;
}

bool write_file(const std::string& path, const std::string& data) {
  std::ofstream f(path, std::ios::binary);
  f << data;
  return f.good();
}

}  // namespace

Pki::Pki() {
  const char* tmp = getenv("TMPDIR");
  std::string templ = std::string(tmp && *tmp ? tmp : "/tmp") + "/mactls-pki-XXXXXX";
  std::vector<char> buf(templ.begin(), templ.end());
  buf.push_back(0);
  if (!mkdtemp(buf.data())) {
    ADD_FAILURE() << "mkdtemp failed";
    return;
  }
  dir_ = buf.data();
  // A minimal `openssl ca` setup: it alone takes explicit start/end dates.
  write_file(dir_ + "/index.txt", "");
  write_file(dir_ + "/serial", "01\n");
  write_file(dir_ + "/ca.cnf",
             "[ca]\ndefault_ca = testca\n"
             "[testca]\ndatabase = " + dir_ + "/index.txt\nnew_certs_dir = " + dir_ +
             "\nserial = " + dir_ + "/serial\nunique_subject = no\npolicy = anything\ncopy_extensions = none\n"
             "[anything]\ncommonName = supplied\n"
             "[req]\ndistinguished_name = dn\nprompt = no\n[dn]\nCN = placeholder\n");
}

Pki::~Pki() {
  if (!dir_.empty() && dir_.find("/mactls-pki-") != std::string::npos) {
    std::string out;
    run_command("rm -rf '" + dir_ + "'", &out);
  }
}

bool Pki::run(const std::string& cmd, const std::string& what) {
  std::string out;
  int rc = run_command(cmd, &out);
  if (rc != 0) {
    ADD_FAILURE() << what << " failed (" << rc << "): " << cmd << "\n" << out;
    return false;
  }
  return true;
}

bool Pki::make_key(const std::string& name, KeyKind kind) {
  std::string path = key_path(name);
  if (access(path.c_str(), F_OK) == 0) return true;
  std::string alg;
  switch (kind) {
    case KeyKind::rsa2048: alg = "-algorithm RSA -pkeyopt rsa_keygen_bits:2048"; break;
    case KeyKind::rsa4096: alg = "-algorithm RSA -pkeyopt rsa_keygen_bits:4096"; break;
    case KeyKind::rsa_pss2048: alg = "-algorithm RSA-PSS -pkeyopt rsa_keygen_bits:2048"; break;
    case KeyKind::p256: alg = "-algorithm EC -pkeyopt ec_paramgen_curve:P-256"; break;
    case KeyKind::p384: alg = "-algorithm EC -pkeyopt ec_paramgen_curve:P-384"; break;
    case KeyKind::ed25519: alg = "-algorithm ED25519"; break;
  }
  return run("openssl genpkey " + alg + " -out '" + path + "'", "key generation for " + name);
}

bool Pki::issue(const CertSpec& s) {
  const std::string key_name = s.key_name.empty() ? s.name : s.key_name;
  if (!make_key(key_name, s.key)) return false;
  std::string ext = "[v3]\n";
  if (s.ca) {
    if (s.ca_basic_constraints) {
      ext += "basicConstraints = critical, CA:TRUE";
      if (s.path_len >= 0) ext += ", pathlen:" + std::to_string(s.path_len);
      ext += "\n";
    }
    if (!s.ca_key_usage.empty()) ext += "keyUsage = " + s.ca_key_usage + "\n";
  } else {
    ext += "basicConstraints = critical, CA:FALSE\n";
    ext += std::string("extendedKeyUsage = ") + (s.server_auth_eku ? "serverAuth" : "clientAuth") + "\n";
    if (!s.key_usage.empty()) ext += "keyUsage = " + s.key_usage + "\n";
  }
  std::string san;
  for (const auto& d : s.dns_sans) san += (san.empty() ? "" : ", ") + std::string("DNS:") + d;
  for (const auto& i : s.ip_sans) san += (san.empty() ? "" : ", ") + std::string("IP:") + i;
  if (!san.empty()) ext += "subjectAltName = " + san + "\n";
  ext += "subjectKeyIdentifier = hash\n";
  for (const auto& e : s.extra_extensions) ext += e + "\n";
  const std::string extfile = dir_ + "/" + s.name + ".ext";
  write_file(extfile, ext);
  const std::string csr = dir_ + "/" + s.name + ".csr";
  const std::string cnf = dir_ + "/ca.cnf";
  if (!run("openssl req -new -config '" + cnf + "' -key '" + key_path(key_name) + "' -subj '/CN=" +
               (s.cn.empty() ? s.name : s.cn) + "' -out '" +
               csr + "'",
           "CSR for " + s.name))
    return false;
  const bool self = s.issuer.empty();
  const std::string issuer = self ? s.name : s.issuer;
  // The issuer's key file: its own, or the one it borrowed.
  std::string issuer_key = issuer;
  if (self) issuer_key = key_name;
  else if (FILE* f = fopen((dir_ + "/" + issuer + ".keyname").c_str(), "r")) {
    char buf[256] = {};
    if (fgets(buf, sizeof buf, f)) issuer_key = buf;
    fclose(f);
  }
  write_file(dir_ + "/" + s.name + ".keyname", key_name);
  std::string md;
  KeyKind signer = s.key;
  // Ed25519 issuers sign without a separate digest.
  if (!(self && signer == KeyKind::ed25519)) md = " -md " + s.digest;
  std::string cmd = "openssl ca -batch -notext -config '" + cnf + "' -in '" + csr + "' -out '" + cert_path(s.name) +
                    "' -keyfile '" + key_path(issuer_key) + "'" + (self ? " -selfsign" : " -cert '" + cert_path(issuer) + "'") +
                    " -startdate " + stamp(s.not_before_days) + " -enddate " + stamp(s.not_after_days) +
                    " -extfile '" + extfile + "' -extensions v3" + md + " -rand_serial";
  if ((s.key == KeyKind::rsa_pss2048 && self) || s.pss_signature)
    cmd += " -sigopt rsa_padding_mode:pss -sigopt rsa_pss_saltlen:digest";
  return run(cmd, "certificate for " + s.name);
}

Bytes Pki::cert_der(const std::string& name) const {
  std::string out;
  std::string tmp = dir_ + "/" + name + ".der";
  if (run_command("openssl x509 -in '" + cert_path(name) + "' -outform DER -out '" + tmp + "'", &out) != 0) {
    ADD_FAILURE() << "cannot convert " << name << ": " << out;
    return Bytes();
  }
  std::string s = read_file(tmp);
  return Bytes(s.begin(), s.end());
}

std::string Pki::cert_pem(const std::string& name) const { return read_file(cert_path(name)); }

bool Pki::make_chain(const std::string& prefix, KeyKind ca_key, KeyKind leaf_key, const std::string& host,
                     bool pss_signatures) {
  CertSpec root;
  root.name = prefix + "-root";
  root.key = ca_key;
  root.ca = true;
  root.not_before_days = -2;
  root.not_after_days = 3650;
  root.pss_signature = pss_signatures;
  if (!issue(root)) return false;
  CertSpec in;
  in.name = prefix + "-int";
  in.key = ca_key;
  in.issuer = root.name;
  in.ca = true;
  in.path_len = 0;
  in.pss_signature = pss_signatures;
  if (!issue(in)) return false;
  CertSpec leaf;
  leaf.name = prefix + "-leaf";
  leaf.key = leaf_key;
  leaf.issuer = in.name;
  leaf.dns_sans = {host};
  unsigned a, b, c, d;
  if (sscanf(host.c_str(), "%u.%u.%u.%u", &a, &b, &c, &d) == 4) leaf.ip_sans = {host};
  leaf.pss_signature = pss_signatures;
  if (!issue(leaf)) return false;
  bundle_path(prefix + "-chain", {leaf.name, in.name});
  return true;
}

std::string Pki::bundle_path(const std::string& file, const std::vector<std::string>& names) {
  std::string all;
  for (const auto& n : names) all += cert_pem(n);
  std::string path = dir_ + "/" + file + ".pem";
  write_file(path, all);
  return path;
}

}  // namespace mactls::test
