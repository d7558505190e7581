package dev.evertone.park;

import dev.evertone.media.audio.AudioClip;
import java.io.IOException;
import java.io.InputStream;
import java.util.List;

/** The built-in sounds a lot plays (evertone-media's sounds, CC0), read once. */
record Prompts(
    AudioClip parked, AudioClip empty, AudioClip goodbye, AudioClip music, List<AudioClip> digits) {

  private static final String SOUNDS = "/dev/evertone/media/sounds/";

  static Prompts builtIn() throws IOException {
    AudioClip[] digits = new AudioClip[10];
    for (int d = 0; d < 10; d++) {
      digits[d] = read("digit-" + d);
    }
    return new Prompts(
        read("call-parked"),
        read("park-slot-empty"),
        read("goodbye"),
        read("music-on-hold"),
        List.of(digits));
  }

  /** The clip that says {@code digit} (0-9). */
  AudioClip digit(char digit) {
    return digits.get(digit - '0');
  }

  private static AudioClip read(String name) throws IOException {
    String path = SOUNDS + name + ".wav";
    try (InputStream in = AudioClip.class.getResourceAsStream(path)) {
      if (in == null) {
        throw new IOException("the built-in sound " + path + " is missing from the jar");
      }
      return AudioClip.read(path, in, 120);
    }
  }
}
