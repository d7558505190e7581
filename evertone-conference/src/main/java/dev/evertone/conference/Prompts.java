package dev.evertone.conference;

import dev.evertone.media.audio.AudioClip;
import java.io.IOException;
import java.io.InputStream;

/** The built-in sounds a room plays (evertone-media's sounds, CC0), read once. */
record Prompts(
    AudioClip pin,
    AudioClip pinWrong,
    AudioClip joined,
    AudioClip alone,
    AudioClip goodbye,
    AudioClip music) {

  private static final String SOUNDS = "/dev/evertone/media/sounds/";

  static Prompts builtIn() throws IOException {
    return new Prompts(
        read("conference-pin"),
        read("conference-pin-wrong"),
        read("conference-joined"),
        read("conference-alone"),
        read("goodbye"),
        read("music-on-hold"));
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
