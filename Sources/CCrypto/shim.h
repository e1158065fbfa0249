// Debian's libcrypto (libssl-dev): only the EVP digest interface, for SHA-256.
#include <openssl/evp.h>
