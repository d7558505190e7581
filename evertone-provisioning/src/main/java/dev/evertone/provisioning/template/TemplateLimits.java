package dev.evertone.provisioning.template;

/**
 * How large a template file may be.
 *
 * @param maxBytes largest file accepted
 * @param maxRows most data rows in one file
 * @param maxErrors most errors reported for one file (the total is always given)
 */
public record TemplateLimits(long maxBytes, int maxRows, int maxErrors) {
  public TemplateLimits {
    if (maxBytes < 1024 || maxRows < 1 || maxErrors < 1) {
      throw new IllegalArgumentException(
          "template limits must be positive (max-bytes at least 1024)");
    }
  }

  public static final TemplateLimits DEFAULT = new TemplateLimits(512L << 20, 2_000_000, 100);
}
