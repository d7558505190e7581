#!/usr/bin/env bash
# Makes evertone's built-in sounds: the music on hold track and the spoken prompts, as 8 kHz µ-law
# WAV files (what phones are sent, half the size of 16-bit PCM). The results are committed under
# src/main/resources/dev/evertone/media/sounds, so a build needs neither tool; run this again after
# changing it.
#
#   needs: sox, espeak-ng (Debian packages of the same names)
#   usage: evertone-media/sounds/make-sounds.sh
#
# Both are made here from nothing (synthesised notes, a speech synthesiser): no recording of anyone
# else's, so they are dedicated to the public domain (CC0 1.0), as the README next to them says.
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
out="$here/../src/main/resources/dev/evertone/media/sounds"
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
mkdir -p "$out"

# Music on hold: four bars of C - Am - F - G, each an arpeggio of plucked notes over a soft pad,
# played twice (about 32 s, looped by the player). Quiet (-12 dBFS peak) so it never startles.
chords=("C3 E3 G3 C4 E4 G4 E4 C4" "A2 C3 E3 A3 C4 E4 C4 A3" "F2 A2 C3 F3 A3 C4 A3 F3" "G2 B2 D3 G3 B3 D4 B3 G3")
pads=("C3 E3 G3" "A2 C3 E3" "F2 A2 C3" "G2 B2 D3")
n=0
for i in 0 1 2 3; do
  notes=()
  for note in ${chords[$i]}; do
    sox -n -r 8000 -c 1 -b 16 "$work/n$n.wav" synth 0.5 pluck "$note" fade t 0 0.5 0.3
    notes+=("$work/n$n.wav"); n=$((n + 1))
  done
  sox "${notes[@]}" "$work/arp$i.wav"
  read -r p1 p2 p3 <<<"${pads[$i]}"
  sox -n -r 8000 -c 1 -b 16 "$work/pad$i.wav" synth 4 sine "$p1" sine "$p2" sine "$p3" \
    remix - fade q 0.4 4 0.6 vol 0.15
  sox -m "$work/arp$i.wav" "$work/pad$i.wav" "$work/bar$i.wav"
done
sox "$work"/bar0.wav "$work"/bar1.wav "$work"/bar2.wav "$work"/bar3.wav \
  "$work"/bar0.wav "$work"/bar1.wav "$work"/bar2.wav "$work"/bar3.wav "$work/moh.wav"
sox "$work/moh.wav" -r 8000 -c 1 -e u-law "$out/music-on-hold.wav" norm -12

# Prompts: en-US, a calm rate; one file per phrase, named after what it says.
say() {
  espeak-ng -v en-us -s 150 -w "$work/say.wav" "$2"
  sox "$work/say.wav" -r 8000 -c 1 -e u-law "$out/$1.wav" norm -6 silence 1 0.05 0.5% reverse \
    silence 1 0.05 0.5% reverse pad 0.1 0.2
}
say call-recorded "This call is recorded."
say call-parked "Your call is parked. Please hold."
say park-slot-empty "There is no call parked on that slot."
say conference-pin "Please enter the conference pin, followed by the pound key."
say conference-pin-wrong "That pin is not correct."
say conference-alone "You are the only person in this conference."
say conference-joined "You are joining the conference."
say goodbye "Goodbye."
for d in 0 1 2 3 4 5 6 7 8 9; do
  words=(zero one two three four five six seven eight nine)
  say "digit-$d" "${words[$d]}"
done
ls -l "$out"
