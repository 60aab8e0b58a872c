/* A C program over the installed C interface: it makes a config and a
 * ticket store, fails to load a missing CA file with a message, and checks
 * that the linked library's version is the headers' version. Exercising
 * the C++ code behind the façade proves the C++ runtime was linked. */
#include <stdio.h>
#include <string.h>

#include <mactls/mactls.h>

int main(void) {
  mactls_config* cfg = mactls_config_new();
  mactls_ticket_store* store = mactls_ticket_store_new_memory();
  int status = 0;
  if (!cfg || !store) return 1;
  if (strcmp(mactls_version(), MACTLS_VERSION_STRING) != 0) {
    fprintf(stderr, "c_consumer: library %s, headers %s\n", mactls_version(), MACTLS_VERSION_STRING);
    status = 1;
  }
  if (mactls_config_set_ticket_store(cfg, store) != 0) status = 1;
  if (mactls_config_load_ca_file(cfg, "/nonexistent/mactls-ca.pem") != -1 ||
      mactls_config_last_error(cfg)[0] == '\0' || mactls_config_ca_count(cfg) != 0) {
    fprintf(stderr, "c_consumer: a missing CA file was not reported\n");
    status = 1;
  }
  if (mactls_ticket_store_count(store) != 0) status = 1;
  mactls_config_free(cfg);
  mactls_ticket_store_free(store);
  if (status == 0) printf("c_consumer: mactls %s from C\n", mactls_version());
  return status;
}
