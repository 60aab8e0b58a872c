/* See c_peer.h. */
#define _POSIX_C_SOURCE 200809L

#include "c_peer.h"

#include <arpa/inet.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <poll.h>
#include <signal.h>
#include <spawn.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

extern char** environ;

void c_sleep_ms(int ms) { (void)poll(NULL, 0, ms); }

int c_contains(const char* hay, const char* needle) {
  return hay && needle && strstr(hay, needle) != NULL;
}

unsigned short c_free_port(void) {
  struct sockaddr_in sa;
  socklen_t len = sizeof sa;
  unsigned short port = 0;
  int fd = socket(AF_INET, SOCK_STREAM, 0);
  memset(&sa, 0, sizeof sa);
  sa.sin_family = AF_INET;
  sa.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  if (fd >= 0 && bind(fd, (struct sockaddr*)&sa, sizeof sa) == 0 &&
      getsockname(fd, (struct sockaddr*)&sa, &len) == 0)
    port = ntohs(sa.sin_port);
  if (fd >= 0) close(fd);
  return port;
}

int c_run(const char* cmd) {
  int rc = system(cmd);
  if (rc != 0) fprintf(stderr, "command failed (%d): %s\n", rc, cmd);
  return rc == 0;
}

int c_have_openssl(void) { return system("openssl version >/dev/null 2>&1") == 0; }

int c_make_pki(const char* dir) {
  char cmd[2048];
  char path[512];
  FILE* f;
  snprintf(path, sizeof path, "%s/leaf.ext", dir);
  f = fopen(path, "w");
  if (!f) return 0;
  fputs("basicConstraints=critical,CA:FALSE\nkeyUsage=critical,digitalSignature\n"
        "extendedKeyUsage=serverAuth\nsubjectAltName=DNS:localhost\n", f);
  fclose(f);
  snprintf(cmd, sizeof cmd,
           "cd '%s' && openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes "
           "-keyout ca.key -out ca.pem -days 2 -subj /CN=mactls-c-test-root "
           "-addext basicConstraints=critical,CA:TRUE -addext keyUsage=critical,keyCertSign,cRLSign "
           ">log.txt 2>&1 && "
           "openssl x509 -in ca.pem -outform DER -out ca.der >>log.txt 2>&1 && "
           "openssl req -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes -keyout leaf.key "
           "-out leaf.csr -subj /CN=localhost >>log.txt 2>&1 && "
           "openssl x509 -req -in leaf.csr -CA ca.pem -CAkey ca.key -CAcreateserial -days 2 "
           "-extfile leaf.ext -out leaf.pem >>log.txt 2>&1",
           dir);
  return c_run(cmd);
}

pid_t c_start_s_server(const char* dir, unsigned short port, const char* const* extra) {
  char accept_arg[32], cert[512], key[512], log[512];
  char* argv[32];
  posix_spawn_file_actions_t fa;
  pid_t pid = -1;
  int i = 0;
  snprintf(accept_arg, sizeof accept_arg, "127.0.0.1:%u", (unsigned)port);
  snprintf(cert, sizeof cert, "%s/leaf.pem", dir);
  snprintf(key, sizeof key, "%s/leaf.key", dir);
  snprintf(log, sizeof log, "%s/s_server.log", dir);
  argv[i++] = "openssl";
  argv[i++] = "s_server";
  argv[i++] = "-accept";
  argv[i++] = accept_arg;
  argv[i++] = "-cert";
  argv[i++] = cert;
  argv[i++] = "-key";
  argv[i++] = key;
  argv[i++] = "-tls1_3";
  argv[i++] = "-www";
  while (extra && *extra && i < 30) argv[i++] = (char*)*extra++;
  argv[i++] = NULL;
  posix_spawn_file_actions_init(&fa);
  posix_spawn_file_actions_addopen(&fa, 0, "/dev/null", O_RDONLY, 0);
  posix_spawn_file_actions_addopen(&fa, 1, log, O_WRONLY | O_CREAT | O_TRUNC, 0600);
  posix_spawn_file_actions_adddup2(&fa, 1, 2);
  if (posix_spawnp(&pid, "openssl", &fa, NULL, argv, environ) != 0) pid = -1;
  posix_spawn_file_actions_destroy(&fa);
  return pid;
}

void c_stop(pid_t pid) {
  int status;
  if (pid <= 0) return;
  kill(pid, SIGTERM);
  waitpid(pid, &status, 0);
}

unsigned char* c_read_file(const char* path, size_t* len) {
  FILE* f = fopen(path, "rb");
  unsigned char* buf = NULL;
  long n;
  *len = 0;
  if (!f) return NULL;
  if (fseek(f, 0, SEEK_END) == 0 && (n = ftell(f)) > 0 && fseek(f, 0, SEEK_SET) == 0) {
    buf = (unsigned char*)malloc((size_t)n);
    if (buf && fread(buf, 1, (size_t)n, f) == (size_t)n) {
      *len = (size_t)n;
    } else {
      free(buf);
      buf = NULL;
    }
  }
  fclose(f);
  return buf;
}
