package dev.evertone.sip.parser;

import static org.assertj.core.api.Assertions.assertThat;

import dev.evertone.sip.Torture;
import dev.evertone.sip.header.HeaderName;
import dev.evertone.sip.message.HeaderField;
import dev.evertone.sip.message.SipMessage;
import dev.evertone.sip.message.SipRequest;
import dev.evertone.sip.message.SipResponse;
import dev.evertone.sip.syntax.SipParseException;
import java.io.IOException;
import java.net.URISyntaxException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.function.Supplier;
import java.util.stream.Stream;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.Tuple;

/**
 * Property: whatever mutation is applied to a valid message, parsing and validating it, and reading
 * every header through the typed accessors, either succeeds or throws {@link SipParseException};
 * never anything else. A message that is accepted serializes to bytes that parse to the same
 * message.
 */
class ParserFuzzTest {
  private static final SipParser PARSER = new SipParser(ParseLimits.DEFAULT);

  private static final String REGISTER =
      "REGISTER sip:example.com SIP/2.0\r\n"
          + "Via: SIP/2.0/UDP 192.0.2.10:5060;branch=z9hG4bK776asdhds;rport\r\n"
          + "Max-Forwards: 70\r\n"
          + "To: \"Alice\" <sip:1001@example.com>\r\n"
          + "From: \"Alice\" <sip:1001@example.com>;tag=1928301774\r\n"
          + "Call-ID: a84b4c76e66710@pc33.example.com\r\n"
          + "CSeq: 314159 REGISTER\r\n"
          + "Contact: <sip:1001@192.0.2.10:5060;transport=udp>;expires=3600;q=0.7;+sip.instance=\"<urn:uuid:00000000-0000-1000-8000-000A95A0E128>\";reg-id=1\r\n"
          + "Authorization: Digest username=\"1001\", realm=\"example.com\", nonce=\"abc\", uri=\"sip:example.com\", "
          + "response=\"0123456789abcdef0123456789abcdef\", algorithm=MD5, qop=auth, nc=00000001, cnonce=\"xyz\"\r\n"
          + "Expires: 3600\r\n"
          + "User-Agent: Yealink SIP-T46S 66.86.0.15\r\n"
          + "Content-Length: 0\r\n\r\n";

  private static final String INVITE =
      """
      INVITE sip:1002@example.com;user=phone SIP/2.0\r
      v: SIP/2.0/TCP [2001:db8::1]:5070;branch=z9hG4bKnashds8;received=192.0.2.1\r
      Route: <sip:proxy.example.com;lr>, <sip:[2001:db8::2];lr>\r
      f: sip:1001@example.com;tag=a6c85cf\r
      t: <tel:+1-201-555-0123>\r
      i: 123@host\r
      CSeq: 1 INVITE\r
      m: <sips:1001@host.example.com?Replaces=abc%40def>\r
      c: application/sdp\r
      l: 4\r
      \r
      v=0\r
      """;

  private static List<byte[]> seeds() {
    List<byte[]> out = new ArrayList<>();
    out.add(REGISTER.getBytes(StandardCharsets.ISO_8859_1));
    out.add(INVITE.getBytes(StandardCharsets.ISO_8859_1));
    for (String dir : new String[] {"rfc4475", "rfc5118"}) {
      try (Stream<Path> files =
          Files.list(Paths.get(Torture.class.getResource("/torture/" + dir).toURI()))) {
        files.sorted().forEach(p -> out.add(readAll(p)));
      } catch (IOException | URISyntaxException e) {
        throw new IllegalStateException(e);
      }
    }
    return out;
  }

  private static byte[] readAll(Path p) {
    try {
      return Files.readAllBytes(p);
    } catch (IOException e) {
      throw new IllegalStateException(e);
    }
  }

  private static final byte[] INTERESTING =
      " \t\r\n:;,<>\"\\%@[]=?&/*0129aZ\u0000\u007f".getBytes(StandardCharsets.ISO_8859_1);

  @Provide
  Arbitrary<byte[]> mutated() {
    Arbitrary<byte[]> seed = Arbitraries.of(seeds());
    Arbitrary<List<Tuple.Tuple3<Integer, Double, Integer>>> edits =
        Combinators.combine(
                Arbitraries.integers().between(0, 7),
                Arbitraries.doubles().between(0, 1),
                Arbitraries.integers().between(0, 255))
            .as(Tuple::of)
            .list()
            .ofMinSize(1)
            .ofMaxSize(6);
    return Combinators.combine(seed, edits).as(ParserFuzzTest::apply);
  }

  private static byte[] apply(byte[] seed, List<Tuple.Tuple3<Integer, Double, Integer>> edits) {
    byte[] b = seed.clone();
    for (Tuple.Tuple3<Integer, Double, Integer> e : edits) {
      if (b.length == 0) {
        break;
      }
      int at = (int) (e.get2() * (b.length - 1));
      byte value =
          e.get3() < 128 ? INTERESTING[e.get3() % INTERESTING.length] : (byte) (int) e.get3();
      switch (e.get1()) {
        case 0 -> b[at] = value; // replace with a delimiter-ish byte
        case 1 -> b[at] = (byte) (int) e.get3(); // replace with any byte
        case 2 -> b = insert(b, at, value); // insert
        case 3 -> b = remove(b, at, 1 + e.get3() % 8); // delete a run
        case 4 -> b = Arrays.copyOf(b, at); // truncate
        case 5 -> b = duplicateLine(b, at); // repeat a header line
        case 6 -> b = insert(b, at, (byte) '\r'); // stray CR
        default -> b = insert(insert(b, at, (byte) '\n'), at + 1, (byte) ' '); // bogus folding
      }
    }
    return b;
  }

  private static byte[] insert(byte[] b, int at, byte value) {
    byte[] out = new byte[b.length + 1];
    System.arraycopy(b, 0, out, 0, at);
    out[at] = value;
    System.arraycopy(b, at, out, at + 1, b.length - at);
    return out;
  }

  private static byte[] remove(byte[] b, int at, int n) {
    int end = Math.min(b.length, at + n);
    byte[] out = new byte[b.length - (end - at)];
    System.arraycopy(b, 0, out, 0, at);
    System.arraycopy(b, end, out, at, b.length - end);
    return out;
  }

  private static byte[] duplicateLine(byte[] b, int at) {
    int start = at;
    while (start > 0 && b[start - 1] != '\n') {
      start--;
    }
    int end = at;
    while (end < b.length && b[end] != '\n') {
      end++;
    }
    end = Math.min(b.length, end + 1);
    byte[] line = Arrays.copyOfRange(b, start, end);
    byte[] out = new byte[b.length + line.length];
    System.arraycopy(b, 0, out, 0, end);
    System.arraycopy(line, 0, out, end, line.length);
    System.arraycopy(b, end, out, end + line.length, b.length - end);
    return out;
  }

  @Property(tries = 3000)
  void mutationsFailOnlyWithParseErrors(@ForAll("mutated") byte[] datagram) {
    SipMessage m;
    try {
      m = PARSER.parse(datagram);
    } catch (SipParseException expected) {
      return;
    }
    try {
      if (m instanceof SipRequest r) {
        MessageValidator.checkRequest(r);
      } else {
        MessageValidator.checkResponse((SipResponse) m);
      }
    } catch (SipParseException expected) {
      touchEverything(m);
      return;
    }
    touchEverything(m);
    // accepted: it must survive a round trip unchanged
    SipMessage again = PARSER.parse(m.toBytes());
    assertThat(again.startLine()).isEqualTo(m.startLine());
    assertThat(again.headers()).isEqualTo(m.headers());
    assertThat(again.body()).isEqualTo(m.body());
  }

  /** Reads every header through every typed accessor; each may only fail with a parse error. */
  private static void touchEverything(SipMessage m) {
    List<Supplier<?>> reads =
        List.of(
            m::vias,
            m::from,
            m::to,
            m::callId,
            m::cseq,
            m::maxForwards,
            m::expires,
            m::contacts,
            () -> m.authHeaders(HeaderName.AUTHORIZATION),
            () -> m.authHeaders(HeaderName.WWW_AUTHENTICATE),
            () -> m.from().uri().toString(),
            () -> m.to().displayNameText(),
            m::toBytes);
    for (Supplier<?> read : reads) {
      try {
        var unused = read.get(); // read for the exception it may throw
      } catch (SipParseException expected) {
        // the only failure allowed
      }
    }
    for (HeaderField f : m.headers()) {
      m.headerValues(f.name());
    }
  }
}
