package dev.evertone.sdp;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import org.assertj.core.api.AbstractThrowableAssert;
import org.junit.jupiter.api.Test;

/**
 * Every way a body is refused: the message names the line, the field and what is accepted, in words
 * an operator reads in a log, never a Java class name.
 */
class SdpErrorsTest {
  private static final String HEAD = "v=0\r\no=- 1 1 IN IP4 192.0.2.1\r\ns=-\r\nt=0 0\r\n";

  private static AbstractThrowableAssert<?, ? extends Throwable> refused(String body) {
    return refused(new SdpParser(), body);
  }

  private static AbstractThrowableAssert<?, ? extends Throwable> refused(
      SdpParser parser, String body) {
    return assertThatThrownBy(() -> parser.parse(body))
        .isInstanceOf(SdpException.class)
        .satisfies(
            e ->
                assertThat(e.getMessage())
                    .doesNotContain("Exception", "java.", "dev.evertone", "null"));
  }

  @Test
  void aBodyWithoutVersionFirstIsRefusedOnLineOne() {
    refused("o=- 1 1 IN IP4 192.0.2.1\r\ns=-\r\n")
        .hasMessage(
            "SDP line 1 (v=): a session description must start with v=0 (RFC 8866 5.1), not o=");
  }

  @Test
  void anotherVersionIsRefused() {
    refused("v=1\r\n").hasMessageContaining("line 1 (v=): only version 0 exists");
  }

  @Test
  void anEmptyBodyIsRefused() {
    refused("\r\n\r\n")
        .hasMessage("SDP body: the body is empty; a session description starts with v=0");
  }

  @Test
  void aMissingOriginIsRefused() {
    refused("v=0\r\ns=-\r\nt=0 0\r\n")
        .hasMessage(
            "SDP o=: the o= line is missing; every session description needs one (RFC 8866 5.2)");
  }

  @Test
  void aShortOriginIsRefusedWithAnExample() {
    refused("v=0\r\no=- 1 IN IP4 192.0.2.1\r\n")
        .hasMessageContaining("SDP line 2 (o=): expected '<username> <session id> <version>");
  }

  @Test
  void aNonNumericPortIsRefused() {
    refused(HEAD + "m=audio abc RTP/AVP 0\r\n")
        .hasMessage("SDP line 5 (m=): the port must be a number from 0 to 65535, was \"abc\"");
  }

  @Test
  void aPortOutOfRangeIsRefused() {
    refused(HEAD + "m=audio 70000 RTP/AVP 0\r\n")
        .hasMessageContaining("line 5 (m=): the port must be a number from 0 to 65535");
  }

  @Test
  void anMLineWithoutProtocolIsRefused() {
    refused(HEAD + "m=audio 5004\r\n")
        .hasMessageContaining("line 5 (m=): expected '<media> <port> <protocol> <format> ...'");
  }

  @Test
  void aBadRtpmapIsRefusedWithTheExpectedForm() {
    refused(HEAD + "m=audio 5004 RTP/AVP 96\r\na=rtpmap:96 opus\r\n")
        .hasMessage(
            "SDP line 6 (a=rtpmap): \"96 opus\" is not an rtpmap; expected '<payload type>"
                + " <encoding>/<clock rate>[/<channels>]', e.g. '96 opus/48000/2'");
    refused(HEAD + "m=audio 5004 RTP/AVP 96\r\na=rtpmap:200 opus/48000\r\n")
        .hasMessageContaining("line 6 (a=rtpmap): the payload type must be a number from 0 to 127");
  }

  @Test
  void aBadCandidateIsRefused() {
    refused(HEAD + "m=audio 5004 RTP/AVP 0\r\na=candidate:1 1 UDP 100 192.0.2.1\r\n")
        .hasMessageContaining("line 6 (a=candidate): expected '<foundation> <component>");
  }

  @Test
  void aBadConnectionIsRefused() {
    refused(HEAD + "c=IN IP4\r\n")
        .hasMessageContaining("line 5 (c=): expected 'IN IP4|IP6 <address>'");
  }

  @Test
  void aBadSetupFingerprintOrPtimeIsRefused() {
    refused(HEAD + "a=setup:sometimes\r\n")
        .hasMessageContaining(
            "line 5 (a=setup): setup must be actpass, active, passive or holdconn");
    refused(HEAD + "a=fingerprint:sha-256\r\n").hasMessageContaining("line 5 (a=fingerprint)");
    refused(HEAD + "m=audio 5004 RTP/AVP 0\r\na=ptime:twenty\r\n")
        .hasMessageContaining("line 6 (a=ptime): ptime (milliseconds) must be a number");
    refused(HEAD + "a=rtpmap\r\n").hasMessageContaining("a=rtpmap needs a value after a colon");
  }

  @Test
  void aLineThatIsNotTypeEqualsValueIsRefused() {
    refused(HEAD + "this is not sdp\r\n")
        .hasMessage(
            "SDP line 5 (line): expected '<type>=<value>' such as 'a=sendrecv', was \"this is not"
                + " sdp\"");
  }

  @Test
  void duplicatedOrMisplacedSessionLinesAreRefused() {
    refused(HEAD + "o=- 2 2 IN IP4 192.0.2.1\r\n")
        .hasMessageContaining("line 5 (o=): only one o= line is allowed at session level");
    refused(HEAD + "m=audio 5004 RTP/AVP 0\r\ns=again\r\n")
        .hasMessageContaining(
            "line 6 (s=): s= is a session-level line and must come before the first m= line");
    refused("v=0\r\no=- 1 1 IN IP4 192.0.2.1\r\nr=7d 1h 0 25h\r\n")
        .hasMessageContaining("line 3 (r=): r= must follow the t= line it repeats");
  }

  @Test
  void aNulOrLoneCarriageReturnInsideALineIsRefused() {
    refused(HEAD + "s=a\rb\r\n")
        .hasMessageContaining("line 5 (s=): a line must not contain a lone CR");
    refused(HEAD + "a=tool:x\0y\r\n").hasMessageContaining("line 5 (a=tool)");
  }

  @Test
  void moreMediaSectionsThanTheLimitAreRefused() {
    SdpParser parser = new SdpParser(new SdpLimits(65_535, 2, 64, 1024));
    String three = HEAD + "m=audio 1 RTP/AVP 0\r\nm=audio 2 RTP/AVP 0\r\nm=audio 3 RTP/AVP 0\r\n";
    refused(parser, three)
        .hasMessage(
            "SDP line 7 (m=): more than 2 m= sections, the configured limit (maxMediaSections)");
  }

  @Test
  void aBodyOverTheLimitIsRefusedBeforeItIsRead() {
    SdpParser parser = new SdpParser(new SdpLimits(100, 32, 64, 1024));
    String big = HEAD + "a=x:" + "y".repeat(100) + "\r\n";
    refused(parser, big)
        .hasMessage(
            "SDP body: the body is 149 bytes, over the configured limit of 100 bytes (maxBodyBytes)");
    assertThatThrownBy(() -> parser.parse(big.getBytes(StandardCharsets.UTF_8)))
        .hasMessageContaining("maxBodyBytes");
  }

  @Test
  void moreAttributesThanTheLimitAreRefused() {
    SdpParser parser = new SdpParser(new SdpLimits(65_535, 32, 2, 1024));
    refused(parser, HEAD + "m=audio 1 RTP/AVP 0\r\na=a\r\na=b\r\na=c\r\n")
        .hasMessage(
            "SDP line 8 (a=): more than 2 attributes in one section, the configured limit"
                + " (maxAttributesPerSection)");
  }

  @Test
  void aLineOverTheLimitIsRefused() {
    SdpParser parser = new SdpParser(new SdpLimits(65_535, 32, 64, 64));
    refused(parser, HEAD + "a=x:" + "y".repeat(80) + "\r\n")
        .hasMessage(
            "SDP line 5 (a=): the line is 84 characters long, over the configured limit of 64"
                + " (maxLineLength)");
  }

  @Test
  void limitsThemselvesAreChecked() {
    assertThatThrownBy(() -> new SdpLimits(10, 1, 1, 100))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("maxBodyBytes must be at least 64");
  }

  @Test
  void aTypedAccessorOnABadAttributeBuiltByCodeThrowsAnSdpException() {
    MediaDescription m =
        MediaDescription.builder("audio", 5004, "RTP/AVP")
            .addFormat("0")
            .addAttribute(Attribute.of("rtcp", "nine"))
            .build();
    assertThatThrownBy(m::rtcp)
        .isInstanceOf(SdpException.class)
        .hasMessage("SDP a=rtcp: the RTCP port must be a number from 0 to 65535, was \"nine\"");
  }
}
