package dev.evertone.sdp;

import java.util.ArrayList;
import java.util.List;
import org.jspecify.annotations.Nullable;

/** What {@link SdpParser} has read so far of one body; one instance per parse. */
final class ParseState {
  private final SdpLimits limits;
  private boolean sawVersion;
  private @Nullable Origin origin;
  private final SessionDescription.Builder session =
      SessionDescription.builder(Origin.of("-", "0", 0, "0.0.0.0"));
  private final List<Timing> timings = new ArrayList<>();
  private final List<MediaDescription> media = new ArrayList<>();
  private MediaDescription.@Nullable Builder current;
  private String seenSession = "";
  private String seenMedia = "";
  private int sessionAttributes;
  private int lineNo;

  ParseState(SdpLimits limits) {
    this.limits = limits;
  }

  void accept(int number, String line) {
    lineNo = number;
    if (line.length() < 2 || line.charAt(1) != '=') {
      throw new SdpException(
          lineNo,
          "line",
          "expected '<type>=<value>' such as 'a=sendrecv', was \"" + shorten(line) + "\"");
    }
    char type = line.charAt(0);
    String value = line.substring(2);
    if (line.indexOf('\r') >= 0 || line.indexOf(0) >= 0) {
      throw new SdpException(
          lineNo, fieldName(type, value), "a line must not contain a lone CR or a NUL character");
    }
    if (!sawVersion) {
      version(type, value);
      return;
    }
    try {
      MediaDescription.Builder m = current;
      if (m == null) {
        sessionLine(type, value, line);
      } else {
        mediaLine(m, type, value, line);
      }
    } catch (IllegalArgumentException e) {
      throw new SdpException(lineNo, fieldName(type, value), String.valueOf(e.getMessage()));
    }
  }

  private void version(char type, String value) {
    if (type != 'v') {
      throw new SdpException(
          lineNo,
          "v=",
          "a session description must start with v=0 (RFC 8866 5.1), not " + type + "=");
    }
    if (!"0".equals(value.strip())) {
      throw new SdpException(
          lineNo, "v=", "only version 0 exists (RFC 8866 5.1), was \"" + shorten(value) + "\"");
    }
    sawVersion = true;
  }

  private void sessionLine(char type, String value, String line) {
    switch (type) {
      case 'v' -> throw new IllegalArgumentException("v= may appear only once, on the first line");
      case 'o' -> {
        once(type, true);
        origin = Origin.parse(value);
      }
      case 's' -> {
        once(type, true);
        session.sessionName(value);
      }
      case 'i' -> {
        once(type, true);
        session.info(value);
      }
      case 'u' -> {
        once(type, true);
        session.uri(value);
      }
      case 'e' -> session.addEmail(value);
      case 'p' -> session.addPhone(value);
      case 'c' -> {
        once(type, true);
        session.connection(Connection.parse(value));
      }
      case 'b' -> session.addBandwidth(Bandwidth.parse(value));
      case 't' -> timings.add(Timing.parse(value));
      case 'r' -> repeat(value);
      case 'z' -> {
        once(type, true);
        session.zoneAdjustments(value);
      }
      case 'k' -> {
        once(type, true);
        session.key(value);
      }
      case 'a' -> session.addAttribute(attribute(value, ++sessionAttributes));
      case 'm' -> startMedia(value);
      default -> session.addOtherLine(other(type, line));
    }
  }

  private void mediaLine(MediaDescription.Builder m, char type, String value, String line) {
    switch (type) {
      case 'm' -> startMedia(value);
      case 'i' -> {
        once(type, false);
        m.info(value);
      }
      case 'k' -> {
        once(type, false);
        m.key(value);
      }
      case 'c' -> m.addConnection(Connection.parse(value));
      case 'b' -> m.addBandwidth(Bandwidth.parse(value));
      case 'a' -> m.addAttribute(attribute(value, m.attributeCount() + 1));
      case 'v', 'o', 's' ->
          throw new IllegalArgumentException(
              type + "= is a session-level line and must come before the first m= line");
      // misplaced session-level lines that some devices send late: taken as session-level
      case 'u', 'e', 'p', 't', 'r', 'z' -> sessionLine(type, value, line);
      default -> m.addOtherLine(other(type, line));
    }
  }

  private void once(char type, boolean sessionLevel) {
    String seen = sessionLevel ? seenSession : seenMedia;
    if (seen.indexOf(type) >= 0) {
      throw new IllegalArgumentException(
          "only one "
              + type
              + "= line is allowed "
              + (sessionLevel ? "at session level" : "in an m= section"));
    }
    if (sessionLevel) {
      seenSession += type;
    } else {
      seenMedia += type;
    }
  }

  private void repeat(String value) {
    if (timings.isEmpty()) {
      throw new IllegalArgumentException("r= must follow the t= line it repeats");
    }
    Timing last = timings.remove(timings.size() - 1);
    List<String> repeats = new ArrayList<>(last.repeats());
    repeats.add(value);
    timings.add(new Timing(last.start(), last.stop(), repeats));
  }

  private Attribute attribute(String value, int countInSection) {
    if (countInSection > limits.maxAttributesPerSection()) {
      throw new SdpException(
          lineNo,
          "a=",
          "more than "
              + limits.maxAttributesPerSection()
              + " attributes in one section, the configured limit (maxAttributesPerSection)");
    }
    Attribute a = Attribute.parse(value);
    KnownAttributes.check(a);
    return a;
  }

  private String other(char type, String line) {
    if (!OtherLines.isAsciiLetter(type)) {
      throw new IllegalArgumentException(
          "a line must start with a letter and '=', was \"" + shorten(line) + "\"");
    }
    return line;
  }

  private void startMedia(String value) {
    closeMedia();
    if (media.size() >= limits.maxMediaSections()) {
      throw new SdpException(
          lineNo,
          "m=",
          "more than "
              + limits.maxMediaSections()
              + " m= sections, the configured limit (maxMediaSections)");
    }
    List<String> t = Fields.tokens(value);
    if (t.size() < 3) {
      throw new IllegalArgumentException(
          "expected '<media> <port> <protocol> <format> ...', e.g. 'audio 49170 RTP/AVP 0 8'");
    }
    String port = t.get(1);
    int slash = port.indexOf('/');
    MediaDescription.Builder m =
        MediaDescription.builder(
                t.get(0),
                Fields.port("the port", slash < 0 ? port : port.substring(0, slash)),
                t.get(2))
            .formats(t.subList(3, t.size()));
    if (slash >= 0) {
      m.portCount((int) Fields.number("the port count", port.substring(slash + 1), 1, 65_535));
    }
    seenMedia = "";
    current = m;
  }

  private void closeMedia() {
    MediaDescription.Builder m = current;
    if (m != null) {
      media.add(m.build());
      current = null;
    }
  }

  SessionDescription finish() {
    if (!sawVersion) {
      throw new SdpException(0, "body", "the body is empty; a session description starts with v=0");
    }
    closeMedia();
    Origin o = origin;
    if (o == null) {
      throw new SdpException(
          0, "o=", "the o= line is missing; every session description needs one (RFC 8866 5.2)");
    }
    return session.origin(o).timings(timings).media(media).build();
  }

  private static String fieldName(char type, String value) {
    if (type == 'a') {
      int colon = value.indexOf(':');
      return "a=" + (colon < 0 ? value : value.substring(0, colon));
    }
    return type + "=";
  }

  private static String shorten(String s) {
    return s.length() <= 60 ? s : s.substring(0, 57) + "...";
  }
}
