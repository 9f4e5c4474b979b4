#include "hx_err.h"

const char *hx_strerror(int err)
{
  switch (err) {
#define HX_ERR_TEXT(name, value, text) \
  case name:                           \
    return text;
    HX_ERR_MAP(HX_ERR_TEXT)
#undef HX_ERR_TEXT
  }
  return "unknown error";
}

const char *hx_errname(int err)
{
  switch (err) {
#define HX_ERR_NAME(name, value, text) \
  case name:                           \
    return #name;
    HX_ERR_MAP(HX_ERR_NAME)
#undef HX_ERR_NAME
  }
  return "HX_ERR_UNKNOWN";
}
