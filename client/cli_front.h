/* The person's side of the client: where every line goes (above the
 * prompt, plain, or as JSON for bots), which events are told and how (the
 * cue mapping of hearth.conf and /cue), the last announcement for /repeat,
 * and the commands that change these settings (/cues, /speech, /rate,
 * /volume, /keys, ...). Every room event passes through cli_front_event,
 * the one place where speech and earcons are chosen.
 * Main (loop) thread only. */
#ifndef CLI_FRONT_H
#define CLI_FRONT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "a11y_cues.h"
#include "cli_command.h"
#include "cli_config.h"
#include "cli_ui.h"

struct a11y_event_info;
struct cli_front;

/* Speech follows cfg->backend ("espeak", "speechd" or "none"); when
 * espeak-ng cannot start or speech-dispatcher cannot be reached, a line
 * says so and events are printed instead.
 * out: where lines go until a cli_ui is attached (and in tests). The
 * settings are copied. every_event: print every event whose mapping the
 * person did not set themselves (hearth.conf [cues] or /cue), for a script,
 * a pipe or a bot, whose log needs them; a person at a terminal gets the
 * lines the mapping asks for. */
int cli_front_create(enum cli_ui_mode mode, bool every_event, FILE *out,
                     const struct cli_config *cfg, struct cli_front **front);
void cli_front_destroy(struct cli_front *f);
/* From now on lines go through ui (not owned; NULL detaches). */
void cli_front_attach(struct cli_front *f, struct cli_ui *ui);

/* A notice or an answer to a command: always printed. */
void cli_front_print(struct cli_front *f, const char *line);
/* A room event and its built-in sentence: told as the cue mapping says,
 * and remembered for /repeat. */
void cli_front_event(struct cli_front *f, const struct a11y_event_info *ev, const char *line);

/* A circle event (cli_circle_io.event) and its line: told as the cue
 * mapping says. front is a struct cli_front. */
void cli_front_cue(void *front, enum a11y_cue_event cue, const char *line);
/* A line the person asked for (cli_circle_io.answer: /floor, /queue,
 * /knock, /bans): printed, remembered for /repeat, and spoken when our own
 * speech is on, whatever the cue mapping. front is a struct cli_front. */
void cli_front_answer(void *front, const char *line);
/* A typed line (cli_typed_io.text): always printed, as it is something a
 * person said; its earcon as the text-message mapping says (not for our
 * own line). Spoken by our own speech only when tl->speak ("Ada says:
 * ...", our own line as typed), whatever the mapping: with hear-text voice
 * the room audio already carries it. front is a struct cli_front. */
struct cli_typed_line;
void cli_front_text(void *front, const struct cli_typed_line *tl);
/* Speech and earcons (cli_announce_mix_interleaved) added to a 48 kHz
 * frame of silence (n samples per channel, interleaved); returns the gain
 * the room's voices get under them (room volume, ducking under speech).
 * front is a struct cli_front; the signature is cli_media's post-mix
 * callback. */
float cli_front_mix(void *front, int16_t *frame, size_t n, int channels);

/* Runs the settings and announcement commands (/repeat, /silence, /hand,
 * /volume, /speech, /rate, /speech voice, /cue, /cue-sound, /cues, /keys). False when cmd is
 * none of them. */
bool cli_front_command(struct cli_front *f, const struct cli_command *cmd);

const struct cli_config *cli_front_config(const struct cli_front *f);

#endif
