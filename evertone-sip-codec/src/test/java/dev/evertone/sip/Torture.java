package dev.evertone.sip;

import dev.evertone.sip.message.SipMessage;
import dev.evertone.sip.message.SipRequest;
import dev.evertone.sip.message.SipResponse;
import dev.evertone.sip.parser.FramingException;
import dev.evertone.sip.parser.MessageValidator;
import dev.evertone.sip.parser.ParseLimits;
import dev.evertone.sip.parser.SipParser;
import dev.evertone.sip.syntax.SipParseException;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import org.jspecify.annotations.Nullable;

/**
 * Loads the RFC 4475 / RFC 5118 messages (byte-exact test resources) and runs them through the
 * codec.
 */
public final class Torture {
  private Torture() {}

  public static final SipParser PARSER = new SipParser(ParseLimits.DEFAULT);

  public static byte[] bytes(String resource) {
    try (InputStream in = Torture.class.getResourceAsStream("/torture/" + resource)) {
      if (in == null) {
        throw new IllegalArgumentException("no test resource /torture/" + resource);
      }
      return in.readAllBytes();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  public static byte[] rfc4475(String name) {
    return bytes("rfc4475/" + name + ".dat");
  }

  public static byte[] rfc5118(String name) {
    return bytes("rfc5118/" + name);
  }

  /** Parses and validates as a server would; fails the test if that throws. */
  public static SipMessage accept(byte[] data) {
    SipMessage m = PARSER.parse(data);
    if (m instanceof SipRequest r) {
      MessageValidator.checkRequest(r);
    } else {
      MessageValidator.checkResponse((SipResponse) m);
    }
    return m;
  }

  public static SipRequest acceptRequest(byte[] data) {
    return (SipRequest) accept(data);
  }

  /** The failure a server would see for {@code data}; an accepted message fails the test. */
  public static SipParseException rejection(byte[] data) {
    try {
      accept(data);
    } catch (SipParseException e) {
      return e;
    }
    String text = new String(data, StandardCharsets.ISO_8859_1);
    throw new AssertionError(
        "accepted, but it must be rejected: " + text.substring(0, Math.max(0, text.indexOf('\r'))));
  }

  /** Whether the rejection still carries the message (so a 400 can be sent). */
  public static boolean answerable(SipParseException e) {
    return e instanceof FramingException;
  }

  public static @Nullable String text(@Nullable String s) {
    return s == null
        ? null
        : new String(s.getBytes(StandardCharsets.ISO_8859_1), StandardCharsets.UTF_8);
  }
}
