package dev.evertone.provisioning;

/**
 * Where long operations (imports, exports, restores) say how far they are: each step once done,
 * with what it did and how long it took. The command line prints them; the API does not need them.
 */
@FunctionalInterface
public interface Progress {
  Progress NONE = step -> {};

  void step(String done);
}
