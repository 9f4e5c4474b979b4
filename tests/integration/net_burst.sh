#!/usr/bin/env bash
# Ada's packets cross a network that loses 10 % of them in bursts (a
# Gilbert-Elliott channel, bursts of 3 packets on average): Ben hears no
# silence longer than 60 ms where Ada was speaking. This seed's longest
# burst is 7 packets (140 ms), and the test checks that it was; concealment
# fading 1 dB per 10 ms bridges it, where libopus alone leaves 100 ms
# holes. Bursts longer than 160 ms are left silent by design (aud_jitter.c,
# JITTER_MAX_HOLD), so they are not what this test asks about.
. "$(dirname "$0")/net_lib.sh"

speech "$T/ada.wav" 1.0 en "Bursts of loss come from busy wireless links. Hearth fills the holes so that a sentence never falls silent in the middle of a word."
silence "$T/quiet.wav" 1
start_server
# A burst starts with probability p and lasts 3 packets on average, so the
# long-run loss is p / (p + 1/3) = 10 % for p = 0.037.
start_impair bursty --burst-loss 0.037 --burst-len 3 --seed 232

listen_and_send bursty "$T/ada.wav" 14 --media-via "127.0.0.1:$IMPAIR_PORT"
stop_impair bursty

dropped=$(grep -oE 'to server: in [0-9]+ out [0-9]+ dropped [0-9]+' "$T/bursty.impair" | awk '{print $NF}')
sent=$(grep -oE 'to server: in [0-9]+' "$T/bursty.impair" | awk '{print $NF}')
echo "the network lost $dropped of $sent packets from Ada"
awk -v d="$dropped" -v s="$sent" 'BEGIN { exit !(d >= 0.05 * s) }' ||
  fail "hximpair lost only $dropped of $sent packets: the test did not impair the path"
burst=$(grep -oE 'to server: .* longest-loss [0-9]+' "$T/bursty.impair" | awk '{print $NF}')
echo "its longest burst lost $burst packets in a row"
[ "$burst" -ge 6 ] && [ "$burst" -le 7 ] ||
  fail "the longest burst lost $burst packets, not the 6 or 7 (120 to 140 ms) this test is about"
# Piece by piece, as net_loss judges: a burst may move the buffer's delay
# mid-sentence, and one global lag would count the words after it as lost.
result=$("$HXWAV" chunks "$T/ada.wav" "$T/bursty.wav" 0.3 0) ||
  fail "Ben did not hear Ada through bursty loss: $result"
gap=$("$HXWAV" gap "$T/ada.wav" "$T/bursty.wav")
echo "Ben heard Ada through 10 % bursty loss: $result, longest silence in speech $gap ms"
[ "$gap" -le 60 ] || fail "Ben heard $gap ms of silence in the middle of Ada's speech (at most 60 ms)"
