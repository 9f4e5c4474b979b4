/* Replays every file in the directories given on the command line through
 * LLVMFuzzerTestOneInput, for builds without libFuzzer (ctest runs this). */
#include <dirent.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/stat.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static int replay_file(const char *path)
{
  FILE *f = fopen(path, "rb");
  if (!f) {
    fprintf(stderr, "cannot open %s\n", path);
    return -1;
  }
  uint8_t *buf = NULL;
  size_t len = 0, cap = 0;
  for (;;) {
    if (len == cap) {
      cap = cap ? cap * 2 : 4096;
      uint8_t *grown = realloc(buf, cap);
      if (!grown) {
        free(buf);
        fclose(f);
        return -1;
      }
      buf = grown;
    }
    size_t n = fread(buf + len, 1, cap - len, f);
    if (n == 0)
      break;
    len += n;
  }
  fclose(f);
  LLVMFuzzerTestOneInput(buf, len);
  free(buf);
  return 0;
}

int main(int argc, char **argv)
{
  int replayed = 0;
  for (int i = 1; i < argc; i++) {
    DIR *dir = opendir(argv[i]);
    if (!dir)
      continue; /* a parser may have no regressions yet */
    struct dirent *de;
    while ((de = readdir(dir))) {
      char path[4096];
      struct stat st;
      snprintf(path, sizeof path, "%s/%s", argv[i], de->d_name);
      if (stat(path, &st) != 0 || !S_ISREG(st.st_mode))
        continue;
      if (replay_file(path) != 0) {
        closedir(dir);
        return 1;
      }
      replayed++;
    }
    closedir(dir);
  }
  if (replayed == 0) {
    fprintf(stderr, "no inputs found: the corpus directory is missing or empty\n");
    return 1;
  }
  printf("replayed %d inputs\n", replayed);
  return 0;
}
