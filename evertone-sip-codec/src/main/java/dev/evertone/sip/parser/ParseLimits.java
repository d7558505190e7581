package dev.evertone.sip.parser;

/**
 * Size limits applied while parsing, so that a hostile peer cannot make the server buffer or index
 * unbounded input. Every limit is configuration (see {@code sip.limits} in the server
 * configuration).
 *
 * @param maxMessageBytes largest whole message (start line, headers and body) accepted on any
 *     transport; a UDP datagram cannot exceed 65,535 bytes anyway
 * @param maxHeaderBytes largest start line plus header section; a stream that sends more without
 *     the blank line that ends the headers loses its framing and is closed
 * @param maxHeaders most header fields (lines, after unfolding) in one message
 */
public record ParseLimits(int maxMessageBytes, int maxHeaderBytes, int maxHeaders) {

  /** Defaults: 64 KiB messages, 16 KiB of headers, 128 header fields. */
  public static final ParseLimits DEFAULT = new ParseLimits(65_535, 16_384, 128);

  public ParseLimits {
    if (maxMessageBytes < 512) {
      throw new IllegalArgumentException(
          "maxMessageBytes must be at least 512, was " + maxMessageBytes);
    }
    if (maxHeaderBytes < 256 || maxHeaderBytes > maxMessageBytes) {
      throw new IllegalArgumentException(
          "maxHeaderBytes must be between 256 and maxMessageBytes, was " + maxHeaderBytes);
    }
    if (maxHeaders < 8) {
      throw new IllegalArgumentException("maxHeaders must be at least 8, was " + maxHeaders);
    }
  }
}
