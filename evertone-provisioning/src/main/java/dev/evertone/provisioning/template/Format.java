package dev.evertone.provisioning.template;

import java.util.Locale;
import org.jspecify.annotations.Nullable;

/** The two forms of the device template. */
public enum Format {
  /** RFC 4180 CSV in UTF-8 with a header row. */
  CSV("text/csv"),
  /**
   * A JSON array of row objects, or an object with {@code rows} (and optionally {@code domains}).
   */
  JSON("application/json");

  private final String mediaType;

  Format(String mediaType) {
    this.mediaType = mediaType;
  }

  public String mediaType() {
    return mediaType;
  }

  /** {@code csv} or {@code json}, any case; null if neither. */
  public static @Nullable Format fromName(String name) {
    return switch (name.strip().toLowerCase(Locale.ROOT)) {
      case "csv" -> CSV;
      case "json" -> JSON;
      default -> null;
    };
  }

  /**
   * The format of a file named {@code fileName} (by its extension), or by its first character if
   * the name says nothing.
   */
  public static Format detect(@Nullable String fileName, byte[] content) {
    if (fileName != null) {
      String lower = fileName.toLowerCase(Locale.ROOT);
      if (lower.endsWith(".json")) {
        return JSON;
      }
      if (lower.endsWith(".csv")) {
        return CSV;
      }
    }
    for (byte b : content) {
      if (b == '[' || b == '{') {
        return JSON;
      }
      if (b != ' '
          && b != '\t'
          && b != '\r'
          && b != '\n'
          && b != (byte) 0xEF
          && b != (byte) 0xBB
          && b != (byte) 0xBF) {
        return CSV;
      }
    }
    return CSV;
  }
}
