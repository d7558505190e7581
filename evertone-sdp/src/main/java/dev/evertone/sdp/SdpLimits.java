package dev.evertone.sdp;

/**
 * Size limits applied while parsing a session description, so that a hostile or broken peer cannot
 * make the server hold or walk an unbounded body. Every limit is configuration; a body over any of
 * them is rejected with an {@link SdpException} that names the limit.
 *
 * @param maxBodyBytes largest body accepted, in bytes (UTF-8)
 * @param maxMediaSections most m= sections in one description
 * @param maxAttributesPerSection most a= lines at session level or in one m= section (a browser's
 *     video section with its feedback lines has well over a hundred)
 * @param maxLineLength longest line, in characters, without its line end
 */
public record SdpLimits(
    int maxBodyBytes, int maxMediaSections, int maxAttributesPerSection, int maxLineLength) {

  /**
   * Defaults: 64 KiB bodies (as much as a SIP message over UDP can carry), 32 media sections, 512
   * attributes per section, 4,096-character lines.
   */
  public static final SdpLimits DEFAULT = new SdpLimits(65_535, 32, 512, 4_096);

  public SdpLimits {
    if (maxBodyBytes < 64) {
      throw new IllegalArgumentException("maxBodyBytes must be at least 64, was " + maxBodyBytes);
    }
    if (maxMediaSections < 1) {
      throw new IllegalArgumentException(
          "maxMediaSections must be at least 1, was " + maxMediaSections);
    }
    if (maxAttributesPerSection < 1) {
      throw new IllegalArgumentException(
          "maxAttributesPerSection must be at least 1, was " + maxAttributesPerSection);
    }
    if (maxLineLength < 64) {
      throw new IllegalArgumentException("maxLineLength must be at least 64, was " + maxLineLength);
    }
  }
}
