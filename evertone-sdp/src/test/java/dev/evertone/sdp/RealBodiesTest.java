package dev.evertone.sdp;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.FieldSource;

/** What a user of the codec sees in the bodies real phones, softphones and browsers send. */
class RealBodiesTest {

  private static List<String> codecNames(MediaDescription m) {
    return m.codecs().stream()
        .map(c -> c.encoding() + "/" + c.clockRate() + (c.channels() > 1 ? "/" + c.channels() : ""))
        .toList();
  }

  @ParameterizedTest
  @FieldSource("dev.evertone.sdp.Bodies#CRLF")
  void everyRealBodyIsWrittenBackByteForByte(String name) {
    String text = Bodies.text(name);
    SessionDescription sd = new SdpParser().parse(text.getBytes(StandardCharsets.UTF_8));
    assertThat(sd.encode()).isEqualTo(text);
    assertThat(SessionDescription.parse(sd.encode())).isEqualTo(sd);
  }

  @Test
  void baresipOffersG711G722OpusAndDtmfWithItsSsrc() {
    SessionDescription sd = Bodies.parse("baresip-call-offer.sdp");
    MediaDescription audio = sd.media().get(0);
    assertThat(sd.connection()).isEqualTo(Connection.of("192.0.2.2"));
    assertThat(sd.connection(audio)).isEqualTo(Connection.of("192.0.2.2"));
    assertThat(audio.port()).isEqualTo(24012);
    assertThat(audio.proto()).isEqualTo("RTP/AVP");
    assertThat(codecNames(audio))
        .containsExactly(
            "PCMU/8000", "PCMA/8000", "G722/8000", "opus/48000/2", "telephone-event/8000");
    assertThat(audio.fmtp("96")).isEqualTo("stereo=1;sprop-stereo=1");
    assertThat(new Fmtp("96", "stereo=1;sprop-stereo=1").parameterMap())
        .containsEntry("stereo", "1")
        .containsEntry("sprop-stereo", "1");
    assertThat(audio.ptime()).isEqualTo(20);
    assertThat(sd.direction(audio)).isEqualTo(Direction.SENDRECV);
    assertThat(audio.ssrcs()).containsExactly(new Ssrc(547011981L, "cname", "sip:alice@127.0.0.1"));
    assertThat(audio.attributeValue("label"))
        .as("an attribute this codec does not know")
        .isEqualTo("1");
    assertThat(sd.attributeValue("tool")).isEqualTo("baresip 1.0.0");
  }

  @Test
  void baresipWithIceAndDtlsHasItsCredentialsAtSessionLevelAndCandidatesPerComponent() {
    SessionDescription sd = Bodies.parse("baresip-ice-dtls-offer.sdp");
    MediaDescription audio = sd.media().get(0);
    assertThat(audio.proto()).isEqualTo("UDP/TLS/RTP/SAVPF");
    assertThat(audio.iceUfrag()).as("not in the m= section").isNull();
    assertThat(sd.iceUfrag(audio)).isEqualTo("i4ZNvFZ");
    assertThat(sd.icePwd(audio)).isEqualTo("3gQIpMxGuwIhSA8JDTDWZ2NrpYdO7dB");
    assertThat(sd.setup(audio)).isEqualTo(Setup.ACTPASS);
    Fingerprint fp = sd.fingerprint(audio);
    assertThat(fp).isNotNull();
    assertThat(fp.hashFunction()).isEqualTo("SHA-256");
    assertThat(fp.value()).startsWith("C2:52:E1").hasSize(95);
    assertThat(audio.rtcp()).isEqualTo(new Rtcp(15797, Connection.of("192.0.2.2")));
    assertThat(audio.rtcpMux()).isFalse();
    List<Candidate> candidates = audio.candidates();
    assertThat(candidates).hasSize(4);
    Candidate first = candidates.get(0);
    assertThat(first.foundation()).isEqualTo("c0000202");
    assertThat(first.component()).isEqualTo(1);
    assertThat(first.transport()).isEqualTo("UDP");
    assertThat(first.priority()).isEqualTo(2113929471L);
    assertThat(first.address()).isEqualTo("192.0.2.2");
    assertThat(first.port()).isEqualTo(15796);
    assertThat(first.type()).isEqualTo("host");
    assertThat(candidates.get(1).component()).as("RTCP").isEqualTo(2);
    assertThat(candidates.get(2).address()).isEqualTo("fd00::2");
  }

  @Test
  void chromiumOffersOpusFirstWithBundleMidRtcpMuxAndMdnsCandidates() {
    SessionDescription sd = Bodies.parse("chromium-audio-offer.sdp");
    assertThat(sd.origin().sessionId()).isEqualTo("7643357416751164380");
    assertThat(sd.origin().sessionVersion()).isEqualTo(2);
    Group bundle = sd.bundle();
    assertThat(bundle).isNotNull();
    assertThat(bundle.mids()).containsExactly("0");
    assertThat(sd.attributeValue("msid-semantic")).isEqualTo(" WMS");
    MediaDescription audio = sd.media().get(0);
    assertThat(sd.mediaByMid("0")).isSameAs(audio);
    assertThat(audio.port()).isEqualTo(9);
    assertThat(audio.connection()).isEqualTo(Connection.of("0.0.0.0"));
    assertThat(OfferAnswer.isHold(sd, audio))
        .as("c=0.0.0.0 from a trickle ICE agent means no candidate yet, not hold")
        .isFalse();
    assertThat(audio.rtcpMux()).isTrue();
    assertThat(audio.mid()).isEqualTo("0");
    assertThat(audio.iceUfrag()).isEqualTo("6VoI");
    assertThat(sd.iceOptions(audio)).containsExactly("trickle");
    assertThat(audio.setup()).isEqualTo(Setup.ACTPASS);
    assertThat(codecNames(audio))
        .containsExactly(
            "opus/48000/2",
            "red/48000/2",
            "G722/8000",
            "PCMU/8000",
            "PCMA/8000",
            "CN/8000",
            "telephone-event/48000",
            "telephone-event/8000");
    assertThat(audio.fmtp("111")).isEqualTo("minptime=10;useinbandfec=1");
    Candidate host = audio.candidates().get(0);
    assertThat(host.address()).endsWith(".local");
    assertThat(host.extension("generation")).isEqualTo("0");
    assertThat(host.extension("network-cost")).isEqualTo("999");
    assertThat(audio.ssrcs()).extracting(Ssrc::attribute).containsExactly("cname", "msid");
  }

  @Test
  void chromiumAudioVideoAndDataChannelAreThreeBundledSections() {
    SessionDescription sd = Bodies.parse("chromium-audio-video-data-offer.sdp");
    assertThat(sd.media())
        .extracting(MediaDescription::media)
        .containsExactly("audio", "video", "application");
    assertThat(sd.bundle()).isEqualTo(new Group("BUNDLE", List.of("0", "1", "2")));
    MediaDescription video = sd.media().get(1);
    assertThat(codecNames(video)).startsWith("VP8/90000", "rtx/90000", "H264/90000");
    assertThat(video.attributes("rtcp-fb")).hasSizeGreaterThan(40);
    MediaDescription data = sd.media().get(2);
    assertThat(data.isRtp()).isFalse();
    assertThat(data.formats()).containsExactly("webrtc-datachannel");
    assertThat(data.codecs()).isEmpty();
    assertThat(data.attributeValue("sctp-port")).isEqualTo("5000");
  }

  @Test
  void sippOffersPcmuOnly() {
    SessionDescription sd = Bodies.parse("sipp-uac-offer.sdp");
    assertThat(sd.origin().username()).isEqualTo("user1");
    assertThat(codecNames(sd.media().get(0))).containsExactly("PCMU/8000");
    assertThat(sd.media().get(0).port()).isEqualTo(6000);
  }

  @Test
  void polycomPutsTheDirectionAtSessionLevelAndOffersG729WithoutAnnexB() {
    SessionDescription sd = Bodies.parse("polycom-soundpoint-650-offer.sdp");
    MediaDescription audio = sd.media().get(0);
    assertThat(sd.sessionName()).isEqualTo("Polycom IP Phone");
    assertThat(sd.direction()).isEqualTo(Direction.SENDRECV);
    assertThat(audio.direction()).isNull();
    assertThat(sd.direction(audio)).isEqualTo(Direction.SENDRECV);
    assertThat(codecNames(audio))
        .containsExactly(
            "G722/8000", "PCMU/8000", "PCMA/8000", "G729/8000", "telephone-event/8000");
    assertThat(audio.fmtp("18")).isEqualTo("annexb=no");
  }

  @Test
  void polycomKeepsItsOwnAttributesAndSdesCrypto() {
    SessionDescription old = Bodies.parse("polycom-soundpoint-335-offer.sdp");
    assertThat(old.media().get(0).attributes())
        .contains(Attribute.of("oldoip", "192.168.1.46"), Attribute.of("oldcip", "192.168.1.46"));
    assertThat(codecNames(old.media().get(0))).endsWith("telephone-event/8000");
    assertThat(old.media().get(0).rtpMap(127))
        .isEqualTo(new RtpMap(127, "telephone-event", 8000, 1));

    SessionDescription srtp = Bodies.parse("polycom-srtp-offer.sdp");
    assertThat(srtp.media().get(0).attributeValue("crypto"))
        .isEqualTo("1 AES_CM_128_HMAC_SHA1_80 inline:tMuyik1Aiiq9p4DQVHhAASSWDEP7K7wo0cICOn39");
    assertThat(srtp.media().get(0).direction()).isEqualTo(Direction.SENDRECV);
  }

  @Test
  void yealinkOffersG722FirstWithPtimeAndDtmf() {
    SessionDescription sd = Bodies.parse("yealink-t27g-offer.sdp");
    MediaDescription audio = sd.media().get(0);
    assertThat(sd.sessionName()).isEqualTo("SDP data");
    assertThat(codecNames(audio))
        .containsExactly(
            "G722/8000", "PCMU/8000", "PCMA/8000", "G729/8000", "telephone-event/8000");
    assertThat(audio.ptime()).isEqualTo(20);
    assertThat(audio.fmtp("101")).isEqualTo("0-15");
  }

  @Test
  void yealinkBodyPublishedWithLfLineEndsAndNoFinalLineEndParsesAndIsWrittenWithCrlf() {
    String text = Bodies.text("yealink-t38g-offer-lf.sdp");
    assertThat(text).doesNotContain("\r").doesNotEndWith("\n");
    SessionDescription sd = SessionDescription.parse(text);
    assertThat(codecNames(sd.media().get(0)))
        .containsExactly(
            "PCMU/8000", "PCMA/8000", "G729/8000", "G722/8000", "telephone-event/8000");
    assertThat(sd.encode()).isEqualTo(text.replace("\n", "\r\n") + "\r\n");
    assertThat(sd.encode().getBytes(StandardCharsets.UTF_8))
        .as("the Content-Length the phone sent with this body")
        .hasSize(300);
  }
}
