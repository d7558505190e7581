package dev.evertone.sdp;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import org.junit.jupiter.api.Test;

/** What a B2BUA does to an offer before passing it on: everything it did not touch stays. */
class RewriteTest {

  @Test
  void aRelayRewritesAddressAndPortOfAPolycomOfferAndKeepsTheRest() {
    SessionDescription phone = Bodies.parse("polycom-soundpoint-650-offer.sdp");
    MediaDescription audio = phone.media().get(0);
    SessionDescription relayed =
        phone
            .withOrigin(Origin.of("evertone", "42", 1, "198.51.100.7"))
            .withConnection(Connection.of("198.51.100.7"))
            .withMedia(0, audio.withPort(40002).withAttribute(Attribute.of("ptime", "20")));
    String expected =
        Bodies.text("polycom-soundpoint-650-offer.sdp")
                .replace(
                    "o=- 1251311173 1251311173 IN IP4 172.20.3.46",
                    "o=evertone 42 1 IN IP4 198.51.100.7")
                .replace("c=IN IP4 172.20.3.46", "c=IN IP4 198.51.100.7")
                .replace("m=audio 2262", "m=audio 40002")
            + "a=ptime:20\r\n";
    assertThat(relayed.encode()).isEqualTo(expected);
  }

  @Test
  void codecsCanBeNarrowedAndOtherAttributesStayInPlace() {
    MediaDescription audio = Bodies.parse("baresip-call-offer.sdp").media().get(0);
    MediaDescription narrowed =
        audio.withCodecs(
            List.of(
                Codec.of(8, "PCMA", 8000, 1),
                Codec.of(101, "telephone-event", 8000, 1).withFmtp("0-15")));
    assertThat(narrowed.formats()).containsExactly("8", "101");
    assertThat(narrowed.attributes())
        .extracting(Attribute::line)
        .containsExactly(
            "rtpmap:8 PCMA/8000",
            "rtpmap:101 telephone-event/8000",
            "fmtp:101 0-15",
            "sendrecv",
            "label:1",
            "rtcp-rsize",
            "ssrc:547011981 cname:sip:alice@127.0.0.1",
            "minptime:20",
            "ptime:20");
  }

  @Test
  void directionAndAttributesAreReplacedWhereTheyWere() {
    MediaDescription audio = Bodies.parse("baresip-call-offer.sdp").media().get(0);
    MediaDescription held = audio.withDirection(Direction.INACTIVE);
    assertThat(held.attributes().indexOf(Direction.INACTIVE.attribute()))
        .isEqualTo(audio.attributes().indexOf(Direction.SENDRECV.attribute()));
    assertThat(held.withoutAttribute("ssrc").ssrcs()).isEmpty();
    assertThat(audio.withConnection(Connection.of("2001:db8::7")).connection())
        .isEqualTo(new Connection("IN", "IP6", "2001:db8::7"));
  }

  @Test
  void aBuilderMakesADescriptionFromScratch() {
    SessionDescription sd =
        SessionDescription.builder(Origin.of("-", "1", 1, "192.0.2.1"))
            .connection(Connection.of("192.0.2.1"))
            .addMedia(
                MediaDescription.builder("audio", 5004, "RTP/AVP")
                    .build()
                    .withCodecs(List.of(Codec.of(0, "PCMU", 8000, 1))))
            .build();
    assertThat(sd.encode())
        .isEqualTo(
            String.join(
                "\r\n",
                "v=0",
                "o=- 1 1 IN IP4 192.0.2.1",
                "s=-",
                "c=IN IP4 192.0.2.1",
                "t=0 0",
                "m=audio 5004 RTP/AVP 0",
                "a=rtpmap:0 PCMU/8000",
                ""));
    assertThat(sd.version()).isZero();
    assertThat(sd.toBuilder().build()).isEqualTo(sd);
  }

  @Test
  void valuesThatWouldInjectALineAreRefused() {
    assertThatThrownBy(() -> Attribute.of("tool", "x\r\na=inactive"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("value of a=tool must not contain a line break or NUL");
    assertThatThrownBy(() -> Connection.of("192.0.2.1 \r\nm=video"))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> MediaDescription.builder("audio", 70000, "RTP/AVP").build())
        .hasMessageContaining("m= port must be from 0 to 65535");
  }

  @Test
  void setupAnswersAndCandidatesRoundTrip() {
    assertThat(Setup.ACTPASS.answer()).isEqualTo(Setup.ACTIVE);
    assertThat(Setup.ACTIVE.answer()).isEqualTo(Setup.PASSIVE);
    Candidate relay =
        Candidate.parse(
            "842163049 1 udp 1677729535 203.0.113.5 61665 typ srflx raddr 10.0.0.2 rport 61665"
                + " generation 0");
    assertThat(relay.relatedAddress()).isEqualTo("10.0.0.2");
    assertThat(relay.relatedPort()).isEqualTo(61665);
    assertThat(relay.extensions()).containsExactly("generation", "0");
    assertThat(Candidate.parse(relay.value())).isEqualTo(relay);
    assertThat(relay.attribute().line()).startsWith("candidate:842163049 1 udp");
  }
}
