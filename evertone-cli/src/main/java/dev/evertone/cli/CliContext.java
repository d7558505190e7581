package dev.evertone.cli;

import java.io.InputStream;
import java.time.Clock;
import java.util.Map;

/** What commands take from their surroundings, so that tests can supply their own. */
public record CliContext(Map<String, String> env, InputStream stdin, Clock clock) {
  public static CliContext system() {
    return new CliContext(System.getenv(), System.in, Clock.systemUTC());
  }
}
