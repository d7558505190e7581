package dev.evertone.status;

import java.time.Duration;

/** Durations as people write them: 90s, 10m, 2h. */
final class Durations {
  private Durations() {}

  static String words(Duration d) {
    long s = d.toSeconds();
    if (s % 3600 == 0 && s > 0) {
      return s / 3600 + "h";
    }
    if (s % 60 == 0 && s > 0) {
      return s / 60 + "m";
    }
    return s + "s";
  }
}
