package dev.evertone.sip.header;

import dev.evertone.sip.syntax.Scanner;

/**
 * A CSeq header value (RFC 3261 20.16): a sequence number below 2**31 (section 8.1.1.5) and the
 * method.
 */
public record CSeq(long number, String method) {
  /** Sequence numbers must be less than 2**31 (RFC 3261 8.1.1.5). */
  public static final long MAX = (1L << 31) - 1;

  public CSeq {
    if (number < 0 || number > MAX) {
      throw new IllegalArgumentException("CSeq number out of range: " + number);
    }
  }

  public static CSeq parse(String value) {
    Scanner sc = new Scanner(value);
    sc.skipWhitespace();
    long number = sc.digits("CSeq number", MAX);
    int before = sc.position();
    sc.skipWhitespace();
    if (sc.position() == before) {
      throw sc.error("expected whitespace between CSeq number and method");
    }
    String method = sc.token("CSeq method");
    sc.expectEnd("CSeq");
    return new CSeq(number, method);
  }

  @Override
  public String toString() {
    return number + " " + method;
  }
}
