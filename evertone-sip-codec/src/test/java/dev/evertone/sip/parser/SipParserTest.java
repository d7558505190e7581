package dev.evertone.sip.parser;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.evertone.sip.message.SipMessage;
import dev.evertone.sip.message.SipRequest;
import dev.evertone.sip.syntax.SipParseException;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

class SipParserTest {
  private static final SipParser PARSER = new SipParser(ParseLimits.DEFAULT);

  private static final String HEAD =
      """
      OPTIONS sip:example.com SIP/2.0\r
      Via: SIP/2.0/UDP a.example.com;branch=z9hG4bK1\r
      From: <sip:a@example.com>;tag=1\r
      To: <sip:b@example.com>\r
      Call-ID: c1\r
      CSeq: 7 OPTIONS\r
      """;

  private static SipMessage parse(String text) {
    return PARSER.parse(text.getBytes(StandardCharsets.ISO_8859_1));
  }

  @Test
  void bareLineFeedsAreTolerated() {
    SipMessage m = parse(HEAD.replace("\r\n", "\n") + "Content-Length: 0\n\n");
    assertThat(m.callId()).isEqualTo("c1");
  }

  @Test
  void leadingLineEndsAreIgnored() {
    // RFC 3261 7.5: CRLFs before the start line are ignored
    assertThat(parse("\r\n\r\n" + HEAD + "\r\n").startLine())
        .isEqualTo("OPTIONS sip:example.com SIP/2.0");
  }

  @Test
  void foldedValuesBecomeOneLine() {
    SipMessage m = parse(HEAD + "Subject: first\r\n\t second\r\n   third\r\n\r\n");
    assertThat(m.header("Subject")).isEqualTo("first second third");
  }

  @Test
  void bareCarriageReturnIsRejected() {
    assertThatThrownBy(() -> parse(HEAD + "Subject: a\rb\r\n\r\n"))
        .isInstanceOf(SipParseException.class)
        .hasMessageContaining("bare CR");
  }

  @Test
  void foldBeforeAnyHeaderIsRejected() {
    assertThatThrownBy(() -> parse("OPTIONS sip:x SIP/2.0\r\n folded: x\r\n\r\n"))
        .isInstanceOf(SipParseException.class);
  }

  @Test
  void headerLineWithoutColonIsRejected() {
    assertThatThrownBy(() -> parse(HEAD + "NoColonHere\r\n\r\n"))
        .isInstanceOf(SipParseException.class)
        .hasMessageContaining("malformed header line");
  }

  @Test
  void missingBlankLineIsRejected() {
    assertThatThrownBy(() -> parse(HEAD))
        .isInstanceOf(SipParseException.class)
        .hasMessageContaining("blank line");
  }

  @Test
  void limitsAreEnforcedWith413() {
    SipParser small = new SipParser(new ParseLimits(1024, 512, 8));
    StringBuilder many = new StringBuilder(HEAD);
    for (int i = 0; i < 5; i++) {
      many.append("X-").append(i).append(": y\r\n");
    }
    SipParseException tooMany =
        org.junit.jupiter.api.Assertions.assertThrows(
            SipParseException.class,
            () -> small.parse(many.append("\r\n").toString().getBytes(StandardCharsets.US_ASCII)));
    assertThat(tooMany.statusCode()).isEqualTo(413);

    byte[] big =
        (HEAD + "Content-Length: 900\r\n\r\n" + "x".repeat(900))
            .getBytes(StandardCharsets.US_ASCII);
    SipParseException tooBig =
        org.junit.jupiter.api.Assertions.assertThrows(
            SipParseException.class, () -> small.parse(big));
    assertThat(tooBig.statusCode()).isEqualTo(413);

    String longHeader = HEAD + "X-Long: " + "y".repeat(600) + "\r\n\r\n";
    SipParseException tooLong =
        org.junit.jupiter.api.Assertions.assertThrows(
            SipParseException.class,
            () -> small.parse(longHeader.getBytes(StandardCharsets.US_ASCII)));
    assertThat(tooLong.statusCode()).isEqualTo(413);
  }

  @Test
  void headParsingReportsContentLengthForStreams() {
    byte[] bytes = (HEAD + "Content-Length: 12\r\n\r\n").getBytes(StandardCharsets.US_ASCII);
    int end = SipParser.findHeaderEnd(bytes, 0, bytes.length);
    assertThat(end).isEqualTo(bytes.length);
    MessageHead head = PARSER.parseHead(bytes, 0, end);
    assertThat(head.isRequest()).isTrue();
    assertThat(head.contentLength()).isEqualTo(12);
    assertThat(head.framingProblem()).isNull();
    SipRequest r = (SipRequest) head.toMessage("hello world!".getBytes(StandardCharsets.US_ASCII));
    assertThat(r.bodyLength()).isEqualTo(12);

    byte[] badBytes =
        "OPTIONS sip:x SIP/2.0\r\nContent-Length: abc\r\n\r\n".getBytes(StandardCharsets.US_ASCII);
    MessageHead bad = PARSER.parseHead(badBytes, 0, badBytes.length);
    assertThat(bad.framingProblem()).contains("abc");
    assertThatThrownBy(bad::checkFraming).isInstanceOf(FramingException.class);
  }

  @Test
  void responsesNeedAValidStatusLine() {
    String rest = "Via: SIP/2.0/UDP a;branch=z9hG4bK1\r\nCall-ID: x\r\n\r\n";
    assertThat(parse("SIP/2.0 180 Ringing\r\n" + rest).startLine())
        .isEqualTo("SIP/2.0 180 Ringing");
    assertThat(parse("SIP/2.0 200\r\n" + rest).startLine()).isEqualTo("SIP/2.0 200 ");
    assertThatThrownBy(() -> parse("SIP/2.0 99 Low\r\n" + rest))
        .isInstanceOf(SipParseException.class);
    assertThatThrownBy(() -> parse("SIP/2.0 700 High\r\n" + rest))
        .isInstanceOf(SipParseException.class);
    assertThatThrownBy(() -> parse("SIP/2.0 2000 X\r\n" + rest))
        .isInstanceOf(SipParseException.class);
    assertThatThrownBy(() -> parse("SIP/2 200 OK\r\n" + rest))
        .isInstanceOf(SipParseException.class);
    assertThatThrownBy(() -> parse("HTTP/1.1 200 OK\r\n" + rest))
        .isInstanceOf(SipParseException.class);
  }
}
