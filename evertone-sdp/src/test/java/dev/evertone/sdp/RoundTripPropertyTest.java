package dev.evertone.sdp;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import org.jspecify.annotations.Nullable;

/**
 * Properties: whatever description the model accepts is written as text that parses back to an
 * equal description; and whatever mutation is applied to a real body, the parser either accepts it
 * (and then round-trips it) or refuses it with an {@link SdpException}, never anything else.
 */
class RoundTripPropertyTest {
  private static final String TOKEN_CHARS =
      "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789-._/+";
  private static final String INSERTS = "=: /\r\n\0a9-";
  private static final String TEXT_CHARS = TOKEN_CHARS + " \t:;=,<>@*#!?\"'()[]{}é€";

  @Property(tries = 1000)
  void everyDescriptionParsesBackFromItsText(@ForAll("descriptions") SessionDescription sd) {
    String text = sd.encode();
    assertThat(text).endsWith("\r\n").doesNotContain("\n\n");
    assertThat(new SdpParser().parse(text)).isEqualTo(sd);
    assertThat(new SdpParser().parse(SdpSerializer.toBytes(sd))).isEqualTo(sd);
  }

  @Property(tries = 2000)
  void mutatedRealBodiesAreAcceptedOrRefusedCleanly(
      @ForAll("realBodies") String body, @ForAll("seeds") long seed) {
    String mutated = mutate(body, new Random(seed));
    SessionDescription sd;
    try {
      sd = new SdpParser().parse(mutated);
    } catch (SdpException refused) {
      assertThat(refused.getMessage()).startsWith("SDP ");
      return;
    }
    assertThat(SessionDescription.parse(sd.encode())).isEqualTo(sd);
  }

  @Provide
  Arbitrary<SessionDescription> descriptions() {
    return Arbitraries.longs().map(seed -> description(new Random(seed)));
  }

  @Provide
  Arbitrary<String> realBodies() {
    return Arbitraries.of(Bodies.CRLF).map(Bodies::text);
  }

  @Provide
  Arbitrary<Long> seeds() {
    return Arbitraries.longs();
  }

  private static String mutate(String body, Random r) {
    StringBuilder sb = new StringBuilder(body);
    int edits = 1 + r.nextInt(4);
    for (int i = 0; i < edits && sb.length() > 0; i++) {
      int at = r.nextInt(sb.length());
      switch (r.nextInt(4)) {
        case 0 -> sb.deleteCharAt(at);
        case 1 -> sb.insert(at, INSERTS.charAt(r.nextInt(INSERTS.length())));
        case 2 -> sb.setCharAt(at, (char) r.nextInt(128));
        default -> sb.delete(at, Math.min(sb.length(), at + r.nextInt(40)));
      }
    }
    return sb.toString();
  }

  private static SessionDescription description(Random r) {
    SessionDescription.Builder b =
        SessionDescription.builder(
                new Origin(
                    token(r), digits(r), r.nextLong() & Long.MAX_VALUE, "IN", "IP4", token(r)))
            .sessionName(text(r))
            .info(maybe(r, text(r)))
            .uri(maybe(r, token(r)))
            .connection(r.nextBoolean() ? Connection.of(token(r)) : null)
            .zoneAdjustments(maybe(r, token(r) + " " + token(r)))
            .key(maybe(r, text(r)));
    for (int i = r.nextInt(2); i > 0; i--) {
      b.addEmail(text(r)).addPhone(text(r));
    }
    for (int i = r.nextInt(3); i > 0; i--) {
      b.addBandwidth(new Bandwidth(token(r), r.nextInt(100_000)));
    }
    for (int i = r.nextInt(3); i > 0; i--) {
      b.addTiming(new Timing(r.nextInt(1 << 30), r.nextInt(1 << 30), tokens(r, r.nextInt(3))));
    }
    b.attributes(attributes(r));
    for (int i = r.nextInt(2); i > 0; i--) {
      b.addOtherLine("xyqwj".charAt(r.nextInt(5)) + "=" + text(r));
    }
    for (int i = r.nextInt(4); i > 0; i--) {
      b.addMedia(media(r));
    }
    return b.build();
  }

  private static MediaDescription media(Random r) {
    MediaDescription.Builder m =
        MediaDescription.builder(
                token(r), r.nextInt(65_536), r.nextBoolean() ? "RTP/AVP" : token(r))
            .portCount(1 + r.nextInt(3))
            .formats(tokens(r, r.nextInt(6)))
            .info(maybe(r, text(r)))
            .key(maybe(r, text(r)))
            .attributes(attributes(r));
    for (int i = r.nextInt(3); i > 0; i--) {
      m.addConnection(new Connection("IN", r.nextBoolean() ? "IP4" : "IP6", token(r)));
    }
    for (int i = r.nextInt(2); i > 0; i--) {
      m.addBandwidth(new Bandwidth("TIAS", r.nextInt(1_000_000)));
    }
    if (r.nextInt(4) == 0) {
      m.addOtherLine("y=" + text(r));
    }
    return m.build();
  }

  private static List<Attribute> attributes(Random r) {
    List<Attribute> out = new ArrayList<>();
    for (int i = r.nextInt(8); i > 0; i--) {
      switch (r.nextInt(6)) {
        case 0 -> out.add(Attribute.flag("x-" + token(r)));
        case 1 -> out.add(Attribute.of("x-" + token(r), text(r)));
        case 2 -> out.add(pick(r, List.of(Direction.values())).attribute());
        case 3 ->
            out.add(
                new RtpMap(r.nextInt(128), "e" + digits(r), 1 + r.nextInt(96_000), 1 + r.nextInt(2))
                    .attribute());
        case 4 ->
            out.add(
                new Candidate(
                        digits(r),
                        1 + r.nextInt(2),
                        "UDP",
                        r.nextInt() & 0x7fff_ffff,
                        token(r),
                        r.nextInt(65_536),
                        "host",
                        maybe(r, token(r)),
                        null,
                        tokens(r, 2 * r.nextInt(2)))
                    .attribute());
        default -> out.add(pick(r, List.of(Setup.values())).attribute());
      }
    }
    return out;
  }

  private static <T> T pick(Random r, List<T> values) {
    return values.get(r.nextInt(values.size()));
  }

  private static @Nullable String maybe(Random r, String value) {
    return r.nextBoolean() ? value : null;
  }

  private static List<String> tokens(Random r, int n) {
    List<String> out = new ArrayList<>();
    for (int i = 0; i < n; i++) {
      out.add(token(r));
    }
    return out;
  }

  private static String token(Random r) {
    return chars(r, TOKEN_CHARS, 1 + r.nextInt(12));
  }

  private static String digits(Random r) {
    return chars(r, "0123456789", 1 + r.nextInt(9));
  }

  private static String text(Random r) {
    return chars(r, TEXT_CHARS, r.nextInt(30));
  }

  private static String chars(Random r, String alphabet, int n) {
    StringBuilder sb = new StringBuilder(n);
    for (int i = 0; i < n; i++) {
      sb.append(alphabet.charAt(r.nextInt(alphabet.length())));
    }
    return sb.toString();
  }
}
