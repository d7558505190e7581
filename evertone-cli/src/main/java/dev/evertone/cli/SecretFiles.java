package dev.evertone.cli;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermissions;

/** Files that hold secrets (exports, generated passwords): created readable by their owner only. */
final class SecretFiles {
  private SecretFiles() {}

  static OutputStream create(Path file) throws IOException {
    Path dir = file.toAbsolutePath().getParent();
    if (dir != null) {
      Files.createDirectories(dir);
    }
    Files.deleteIfExists(file);
    try {
      Files.createFile(
          file, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
    } catch (UnsupportedOperationException notPosix) {
      Files.createFile(file);
    }
    return Files.newOutputStream(
        file, StandardOpenOption.WRITE, StandardOpenOption.TRUNCATE_EXISTING);
  }

  /**
   * A secret kept in a file (its first line, without the line break), so that it never shows on a
   * command line.
   */
  static String read(Path file) {
    try {
      String text = Files.readString(file, java.nio.charset.StandardCharsets.UTF_8);
      String first = text.lines().findFirst().orElse("").strip();
      if (first.isEmpty()) {
        throw new IllegalArgumentException(
            file + " is empty; write the password on its first line");
      }
      return first;
    } catch (IOException e) {
      throw new IllegalArgumentException("cannot read " + file + ": " + e.getMessage());
    }
  }
}
