package dev.evertone.sdp;

import java.nio.charset.StandardCharsets;
import org.jspecify.annotations.Nullable;

/**
 * Writes a {@link SessionDescription} as RFC 8866 text, strictly: CRLF after every line, the
 * session-level lines in the order of RFC 8866 5 ({@code v o s i u e p c b t r z k a}), then each
 * m= section as {@code m i c b k a}. Lines of unknown types that were kept come after the {@code
 * a=} lines of their section. The model's constructors have already refused values that would break
 * a line, so the output always parses back to an equal description.
 */
public final class SdpSerializer {
  private SdpSerializer() {}

  /** The description as text. */
  public static String serialize(SessionDescription sd) {
    StringBuilder sb = new StringBuilder(512);
    line(sb, 'v', "0");
    line(sb, 'o', sd.origin().line());
    line(sb, 's', sd.sessionName());
    optional(sb, 'i', sd.info());
    optional(sb, 'u', sd.uri());
    sd.emails().forEach(e -> line(sb, 'e', e));
    sd.phones().forEach(p -> line(sb, 'p', p));
    Connection c = sd.connection();
    if (c != null) {
      line(sb, 'c', c.line());
    }
    sd.bandwidths().forEach(b -> line(sb, 'b', b.line()));
    for (Timing t : sd.timings()) {
      line(sb, 't', t.line());
      t.repeats().forEach(r -> line(sb, 'r', r));
    }
    optional(sb, 'z', sd.zoneAdjustments());
    optional(sb, 'k', sd.key());
    sd.attributes().forEach(a -> line(sb, 'a', a.line()));
    sd.otherLines().forEach(l -> sb.append(l).append("\r\n"));
    sd.media().forEach(m -> media(sb, m));
    return sb.toString();
  }

  /** The description as UTF-8 bytes (RFC 8866 5: the default character set). */
  public static byte[] toBytes(SessionDescription sd) {
    return serialize(sd).getBytes(StandardCharsets.UTF_8);
  }

  private static void media(StringBuilder sb, MediaDescription m) {
    sb.append("m=").append(m.media()).append(' ').append(m.port());
    if (m.portCount() > 1) {
      sb.append('/').append(m.portCount());
    }
    sb.append(' ').append(m.proto());
    m.formats().forEach(f -> sb.append(' ').append(f));
    sb.append("\r\n");
    optional(sb, 'i', m.info());
    m.connections().forEach(c -> line(sb, 'c', c.line()));
    m.bandwidths().forEach(b -> line(sb, 'b', b.line()));
    optional(sb, 'k', m.key());
    m.attributes().forEach(a -> line(sb, 'a', a.line()));
    m.otherLines().forEach(l -> sb.append(l).append("\r\n"));
  }

  private static void optional(StringBuilder sb, char type, @Nullable String value) {
    if (value != null) {
      line(sb, type, value);
    }
  }

  private static void line(StringBuilder sb, char type, String value) {
    sb.append(type).append('=').append(value).append("\r\n");
  }
}
