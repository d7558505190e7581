package dev.evertone.sdp;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.api.Test;

/** Lenient on input: what real devices get wrong is still understood, and nothing is lost. */
class LenientParsingTest {

  private static String crlf(String... lines) {
    return String.join("\r\n", lines) + "\r\n";
  }

  @Test
  void lfLineEndsTrailingBlanksAndBlankLinesAreAccepted() {
    String sloppy =
        crlf(
                "v=0 ",
                "",
                "o=- 1 1 IN IP4 192.0.2.1\t",
                "s=call  ",
                "c=IN IP4 192.0.2.1",
                "t=0 0",
                "m=audio  5004   RTP/AVP 0 8 ",
                "a=sendrecv ",
                "")
            .replace("\r", "");
    SessionDescription sd = SessionDescription.parse(sloppy);
    assertThat(sd.sessionName()).isEqualTo("call");
    assertThat(sd.media().get(0).formats()).containsExactly("0", "8");
    assertThat(sd.media().get(0).direction()).isEqualTo(Direction.SENDRECV);
    assertThat(sd.encode())
        .isEqualTo(
            crlf(
                "v=0",
                "o=- 1 1 IN IP4 192.0.2.1",
                "s=call",
                "c=IN IP4 192.0.2.1",
                "t=0 0",
                "m=audio 5004 RTP/AVP 0 8",
                "a=sendrecv"));
  }

  @Test
  void missingSessionNameAndTimeReadAsDashAndUnbounded() {
    SessionDescription sd =
        SessionDescription.parse(crlf("v=0", "o=- 1 1 IN IP4 192.0.2.1", "m=audio 5004 RTP/AVP 0"));
    assertThat(sd.sessionName()).isEqualTo("-");
    assertThat(sd.timings()).containsExactly(Timing.UNBOUNDED);
    assertThat(sd.encode()).contains("s=-\r\nt=0 0\r\nm=audio");
  }

  @Test
  void sessionLinesInAnotherOrderAndATimeAfterTheMediaLineAreAccepted() {
    SessionDescription sd =
        SessionDescription.parse(
            crlf(
                "v=0",
                "o=- 1 1 IN IP4 192.0.2.1",
                "a=sendonly",
                "c=IN IP4 192.0.2.1",
                "s=x",
                "m=audio 5004 RTP/AVP 0",
                "t=0 0",
                "b=AS:64"));
    assertThat(sd.direction(sd.media().get(0))).isEqualTo(Direction.SENDONLY);
    assertThat(sd.connection()).isEqualTo(Connection.of("192.0.2.1"));
    assertThat(sd.timings()).hasSize(1);
    assertThat(sd.media().get(0).bandwidths()).containsExactly(new Bandwidth("AS", 64));
    assertThat(sd.encode())
        .as("written back in RFC 8866 order")
        .startsWith(
            crlf(
                "v=0",
                "o=- 1 1 IN IP4 192.0.2.1",
                "s=x",
                "c=IN IP4 192.0.2.1",
                "t=0 0",
                "a=sendonly",
                "m=audio 5004 RTP/AVP 0"));
  }

  @Test
  void unknownAttributesAndLineTypesAreKeptInOrder() {
    String body =
        crlf(
            "v=0",
            "o=- 1 1 IN IP4 192.0.2.1",
            "s=-",
            "t=0 0",
            "a=X-nat:0",
            "x=vendor-line",
            "m=audio 5004 RTP/AVP 0",
            "a=zzz",
            "a=rtpmap:0 PCMU/8000",
            "a=yyy:1 2 3",
            "y=another");
    SessionDescription sd = SessionDescription.parse(body);
    assertThat(sd.attributes()).containsExactly(Attribute.of("X-nat", "0"));
    assertThat(sd.otherLines()).containsExactly("x=vendor-line");
    assertThat(sd.media().get(0).attributes())
        .containsExactly(
            Attribute.flag("zzz"),
            Attribute.of("rtpmap", "0 PCMU/8000"),
            Attribute.of("yyy", "1 2 3"));
    assertThat(sd.media().get(0).otherLines()).containsExactly("y=another");
    assertThat(sd.encode()).isEqualTo(body);
  }

  @Test
  void staticPayloadTypesWithoutRtpmapAreKnownCodecs() {
    SessionDescription sd =
        SessionDescription.parse(
            crlf(
                "v=0",
                "o=- 1 1 IN IP4 192.0.2.1",
                "s=-",
                "t=0 0",
                "m=audio 5004 RTP/AVP 0 8 9 13 18 99"));
    assertThat(sd.media().get(0).codecs())
        .as("99 has no rtpmap and is not static: left out")
        .extracting(Codec::encoding)
        .containsExactly("PCMU", "PCMA", "G722", "CN", "G729");
    assertThat(sd.media().get(0).rtpMap(9)).isEqualTo(new RtpMap(9, "G722", 8000, 1));
  }

  @Test
  void mediaLevelDirectionOverridesTheSessionLevelOne() {
    SessionDescription sd =
        SessionDescription.parse(
            crlf(
                "v=0",
                "o=- 1 1 IN IP4 192.0.2.1",
                "s=-",
                "t=0 0",
                "a=inactive",
                "m=audio 5004 RTP/AVP 0",
                "a=recvonly",
                "m=video 5006 RTP/AVP 34"));
    assertThat(sd.direction(sd.media().get(0))).isEqualTo(Direction.RECVONLY);
    assertThat(sd.direction(sd.media().get(1))).isEqualTo(Direction.INACTIVE);
  }

  @Test
  void portCountsMulticastAddressesAndRepeatTimesSurvive() {
    String body =
        crlf(
            "v=0",
            "o=jdoe 3724394400 3724394405 IN IP4 198.51.100.1",
            "s=Call to John Smith",
            "i=SDP Offer #1",
            "u=http://www.jdoe.example.com/home.html",
            "e=Jane Doe <jane@jdoe.example.com>",
            "p=+1 617 555-6011",
            "c=IN IP4 233.252.0.1/127",
            "t=3724394400 3724398000",
            "r=7d 1h 0 25h",
            "z=2882844526 -1h",
            "m=audio 49170/2 RTP/AVP 0",
            "i=the voice",
            "k=prompt",
            "m=video 51372 RTP/AVP 99",
            "c=IN IP6 2001:db8::2",
            "a=rtpmap:99 h263-1998/90000");
    SessionDescription sd = SessionDescription.parse(body);
    assertThat(sd.media().get(0).portCount()).isEqualTo(2);
    assertThat(sd.timings().get(0).repeats()).containsExactly("7d 1h 0 25h");
    assertThat(sd.connection(sd.media().get(1))).isEqualTo(Connection.of("2001:db8::2"));
    assertThat(sd.encode()).isEqualTo(body);
    assertThat(List.of(sd.emails(), sd.phones())).allSatisfy(l -> assertThat(l).hasSize(1));
  }
}
