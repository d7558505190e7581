package dev.evertone.sdp;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.api.Test;

/** RFC 3264 offer/answer, on the offers real peers send. */
class OfferAnswerTest {
  private static final Origin ORIGIN = Origin.of("evertone", "7001", 1, "198.51.100.7");
  private static final Connection RELAY = Connection.of("198.51.100.7");
  private static final Codec PCMU = Codec.of(0, "PCMU", 8000, 1);
  private static final Codec PCMA = Codec.of(8, "PCMA", 8000, 1);
  private static final Codec OPUS = Codec.of(111, "opus", 48000, 2);
  private static final Codec DTMF = Codec.of(101, "telephone-event", 8000, 1).withFmtp("0-16");

  private static LocalCapabilities g711(int port) {
    return LocalCapabilities.of(
        ORIGIN, RELAY, List.of(MediaCapability.audio(port, List.of(PCMU, PCMA, DTMF))));
  }

  private static String sdp(String... lines) {
    return String.join("\r\n", lines) + "\r\n";
  }

  @Test
  void baresipOfferIsAnsweredWithTheCommonCodecsInItsOrderAndItsDtmfNumber() {
    SessionDescription offer = Bodies.parse("baresip-call-offer.sdp");
    SessionDescription answer = OfferAnswer.answer(offer, g711(40000));

    assertThat(answer.origin()).isEqualTo(ORIGIN);
    assertThat(answer.connection()).isEqualTo(RELAY);
    assertThat(answer.timings()).isEqualTo(offer.timings());
    MediaDescription audio = answer.media().get(0);
    assertThat(audio.port()).isEqualTo(40000);
    assertThat(audio.proto()).isEqualTo("RTP/AVP");
    assertThat(audio.formats()).containsExactly("0", "8", "101");
    assertThat(audio.codecs())
        .containsExactly(
            Codec.of(0, "PCMU", 8000, 1),
            Codec.of(8, "PCMA", 8000, 1),
            Codec.of(101, "telephone-event", 8000, 1).withFmtp("0-16"));
    assertThat(audio.direction()).isEqualTo(Direction.SENDRECV);
    assertThat(answer.encode())
        .isEqualTo(
            sdp(
                "v=0",
                "o=evertone 7001 1 IN IP4 198.51.100.7",
                "s=-",
                "c=IN IP4 198.51.100.7",
                "t=0 0",
                "m=audio 40000 RTP/AVP 0 8 101",
                "a=rtpmap:0 PCMU/8000",
                "a=rtpmap:8 PCMA/8000",
                "a=rtpmap:101 telephone-event/8000",
                "a=fmtp:101 0-16",
                "a=sendrecv"));
  }

  @Test
  void dynamicCodecsAreAnsweredUnderTheOfferersPayloadTypeNumbers() {
    SessionDescription offer = Bodies.parse("baresip-call-offer.sdp");
    LocalCapabilities local =
        LocalCapabilities.of(
            ORIGIN,
            RELAY,
            List.of(MediaCapability.audio(40000, List.of(OPUS.withFmtp("useinbandfec=1"), DTMF))));
    MediaDescription audio = OfferAnswer.answer(offer, local).media().get(0);
    assertThat(audio.formats()).as("baresip calls opus 96, not 111").containsExactly("96", "101");
    assertThat(audio.rtpMap(96)).isEqualTo(new RtpMap(96, "opus", 48000, 2));
    assertThat(audio.fmtp("96")).isEqualTo("useinbandfec=1");
  }

  @Test
  void telephoneEventIsDroppedWhenOnlyTheOffererHasIt() {
    SessionDescription offer = Bodies.parse("yealink-t27g-offer.sdp");
    LocalCapabilities local =
        LocalCapabilities.of(ORIGIN, RELAY, List.of(MediaCapability.audio(40000, List.of(PCMA))));
    assertThat(OfferAnswer.answer(offer, local).media().get(0).formats()).containsExactly("8");
  }

  @Test
  void chromiumOfferIsAnsweredWithItsMidRtcpMuxAndBundleAndOnlyTheDtmfClockRateWeHave() {
    SessionDescription offer = Bodies.parse("chromium-audio-offer.sdp");
    List<Attribute> dtls =
        List.of(
            Attribute.of("ice-ufrag", "evtn"),
            Attribute.of("ice-pwd", "0123456789abcdefghijkl"),
            new Fingerprint("sha-256", "AB:CD").attribute(),
            Setup.ACTPASS.answer().attribute());
    MediaCapability webrtc =
        MediaCapability.audio(41000, List.of(OPUS, PCMU, DTMF))
            .withProto("UDP/TLS/RTP/SAVPF")
            .withRtcpMux(true)
            .withAttributes(dtls);
    LocalCapabilities local =
        new LocalCapabilities(
            ORIGIN, RELAY, List.of(webrtc), List.of(Attribute.flag("ice-lite")), true);
    SessionDescription answer = OfferAnswer.answer(offer, local);

    assertThat(answer.iceLite()).isTrue();
    assertThat(answer.bundle()).isEqualTo(new Group("BUNDLE", List.of("0")));
    MediaDescription audio = answer.media().get(0);
    assertThat(audio.proto()).isEqualTo("UDP/TLS/RTP/SAVPF");
    assertThat(audio.formats()).containsExactly("111", "0", "126");
    assertThat(audio.mid()).isEqualTo("0");
    assertThat(audio.rtcpMux()).isTrue();
    assertThat(answer.setup(audio)).isEqualTo(Setup.ACTIVE);
    assertThat(answer.iceUfrag(audio)).isEqualTo("evtn");
    assertThat(SessionDescription.parse(answer.encode())).isEqualTo(answer);
  }

  @Test
  void streamsWeCannotTakeAreRejectedWithPortZeroKeepingTheNumberAndOrderOfSections() {
    SessionDescription offer = Bodies.parse("chromium-audio-video-data-offer.sdp");
    MediaCapability audio =
        MediaCapability.audio(41000, List.of(OPUS)).withProto("UDP/TLS/RTP/SAVPF");
    SessionDescription answer =
        OfferAnswer.answer(
            offer, new LocalCapabilities(ORIGIN, RELAY, List.of(audio), List.of(), true));

    assertThat(answer.media())
        .extracting(MediaDescription::media)
        .containsExactly("audio", "video", "application");
    assertThat(answer.media()).extracting(MediaDescription::port).containsExactly(41000, 0, 0);
    assertThat(answer.media().get(1).proto()).isEqualTo("UDP/TLS/RTP/SAVPF");
    assertThat(answer.media().get(1).formats()).isEqualTo(offer.media().get(1).formats());
    assertThat(answer.media().get(2).mid()).isEqualTo("2");
    assertThat(answer.bundle())
        .as("only accepted sections are bundled")
        .isEqualTo(new Group("BUNDLE", List.of("0")));
  }

  @Test
  void noCommonCodecRejectsTheStream() {
    SessionDescription offer = Bodies.parse("sipp-uac-offer.sdp");
    LocalCapabilities opusOnly =
        LocalCapabilities.of(
            ORIGIN, RELAY, List.of(MediaCapability.audio(40000, List.of(OPUS, DTMF))));
    MediaDescription audio = OfferAnswer.answer(offer, opusOnly).media().get(0);
    assertThat(audio.isRejected()).isTrue();
    assertThat(audio.formats()).containsExactly("0");
  }

  @Test
  void aStreamOfferedWithPortZeroIsAnsweredWithPortZero() {
    SessionDescription offer =
        SessionDescription.parse(
            sdp(
                "v=0",
                "o=- 1 1 IN IP4 192.0.2.1",
                "s=-",
                "c=IN IP4 192.0.2.1",
                "t=0 0",
                "m=audio 0 RTP/AVP 0",
                "m=audio 5004 RTP/AVP 0"));
    SessionDescription answer = OfferAnswer.answer(offer, g711(40000));
    assertThat(answer.media()).extracting(MediaDescription::port).containsExactly(0, 40000);
  }

  @Test
  void aProtocolWeDoNotSpeakIsRejected() {
    SessionDescription offer = Bodies.parse("baresip-ice-dtls-offer.sdp");
    assertThat(OfferAnswer.answer(offer, g711(40000)).media().get(0).isRejected())
        .as("UDP/TLS/RTP/SAVPF offered, only RTP/AVP available")
        .isTrue();
  }

  @Test
  void directionsAreAnsweredAsRfc3264Says() {
    assertThat(Direction.answer(Direction.SENDONLY, Direction.SENDRECV))
        .isEqualTo(Direction.RECVONLY);
    assertThat(Direction.answer(Direction.RECVONLY, Direction.SENDRECV))
        .isEqualTo(Direction.SENDONLY);
    assertThat(Direction.answer(Direction.INACTIVE, Direction.SENDRECV))
        .isEqualTo(Direction.INACTIVE);
    assertThat(Direction.answer(Direction.SENDRECV, Direction.SENDRECV))
        .isEqualTo(Direction.SENDRECV);
    assertThat(Direction.answer(Direction.SENDRECV, Direction.RECVONLY))
        .isEqualTo(Direction.RECVONLY);
    assertThat(Direction.answer(Direction.SENDONLY, Direction.SENDONLY))
        .isEqualTo(Direction.INACTIVE);
  }

  @Test
  void baresipHoldIsDetectedAndAnsweredRecvonlyLikeBaresipItselfDid() {
    SessionDescription hold = Bodies.parse("baresip-hold-offer.sdp");
    assertThat(OfferAnswer.isHold(hold)).isTrue();
    assertThat(OfferAnswer.isHold(Bodies.parse("baresip-call-offer.sdp"))).isFalse();

    LocalCapabilities opus =
        LocalCapabilities.of(
            ORIGIN, RELAY, List.of(MediaCapability.audio(40000, List.of(OPUS, DTMF))));
    MediaDescription ours = OfferAnswer.answer(hold, opus).media().get(0);
    MediaDescription baresips = Bodies.parse("baresip-hold-answer.sdp").media().get(0);
    assertThat(ours.direction()).isEqualTo(Direction.RECVONLY).isEqualTo(baresips.direction());
    assertThat(ours.formats()).isEqualTo(baresips.formats());
  }

  @Test
  void theOldZeroAddressHoldIsDetectedWithoutIce() {
    SessionDescription polycom = Bodies.parse("polycom-soundpoint-650-offer.sdp");
    SessionDescription held = polycom.withConnection(Connection.of("0.0.0.0")).withNextVersion();
    assertThat(OfferAnswer.isHold(polycom)).isFalse();
    assertThat(OfferAnswer.isHold(held)).isTrue();
    SessionChanges changes = OfferAnswer.compare(polycom, held);
    assertThat(changes.has(MediaChange.Kind.HOLD)).isTrue();
    assertThat(changes.has(MediaChange.Kind.ADDRESS)).as("0.0.0.0 is hold, not a move").isFalse();
  }

  @Test
  void holdAndResumeOffersFollowRfc3264Section84() {
    SessionDescription call = Bodies.parse("polycom-soundpoint-650-offer.sdp");
    SessionDescription hold = OfferAnswer.hold(call);
    assertThat(hold.direction(hold.media().get(0))).isEqualTo(Direction.SENDONLY);
    assertThat(hold.origin().sessionVersion()).isEqualTo(call.origin().sessionVersion() + 1);
    assertThat(OfferAnswer.isHold(hold)).isTrue();
    SessionDescription resumed = OfferAnswer.resume(hold);
    assertThat(resumed.direction(resumed.media().get(0))).isEqualTo(Direction.SENDRECV);
    assertThat(OfferAnswer.hold(OfferAnswer.hold(call)).media().get(0).direction())
        .as("recvonly... sendonly held again stays sendonly")
        .isEqualTo(Direction.SENDONLY);
    SessionDescription recvonly =
        call.withMedia(0, call.media().get(0).withDirection(Direction.RECVONLY));
    assertThat(OfferAnswer.hold(recvonly).media().get(0).direction()).isEqualTo(Direction.INACTIVE);
  }

  @Test
  void reInviteChangesAreToldApartOnBaresipsRealSequence() {
    SessionDescription call = Bodies.parse("baresip-call-offer.sdp");
    SessionDescription hold = Bodies.parse("baresip-hold-offer.sdp");
    SessionDescription resume = Bodies.parse("baresip-resume-offer.sdp");

    SessionChanges toHold = OfferAnswer.compare(call, hold);
    assertThat(toHold.sameSession()).isTrue();
    assertThat(toHold.versionChanged()).isTrue();
    assertThat(toHold.media())
        .singleElement()
        .satisfies(
            c ->
                assertThat(c.kinds())
                    .containsExactlyInAnyOrder(
                        MediaChange.Kind.HOLD,
                        MediaChange.Kind.DIRECTION,
                        MediaChange.Kind.CODECS));

    SessionChanges toResume = OfferAnswer.compare(hold, resume);
    assertThat(toResume.media())
        .singleElement()
        .satisfies(
            c ->
                assertThat(c.kinds())
                    .containsExactlyInAnyOrder(
                        MediaChange.Kind.RESUME, MediaChange.Kind.DIRECTION));
    assertThat(OfferAnswer.compare(resume, resume).isRefresh()).isTrue();
  }

  @Test
  void aNewAddressOrPortAndAddedOrRemovedStreamsAreReported() {
    SessionDescription call = Bodies.parse("baresip-call-offer.sdp");
    MediaDescription audio = call.media().get(0);
    SessionDescription moved =
        call.withConnection(Connection.of("203.0.113.9"))
            .withMedia(0, audio.withPort(30000))
            .withNextVersion();
    assertThat(OfferAnswer.compare(call, moved).media().get(0).kinds())
        .containsExactlyInAnyOrder(MediaChange.Kind.ADDRESS, MediaChange.Kind.PORT);

    SessionDescription withVideo =
        call.withMedia(
            List.of(
                audio,
                MediaDescription.builder("video", 30002, "RTP/AVP").addFormat("34").build()));
    assertThat(OfferAnswer.compare(call, withVideo).media())
        .containsExactly(new MediaChange(1, "video", java.util.Set.of(MediaChange.Kind.ADDED)));
    SessionDescription videoOff = withVideo.withMedia(1, withVideo.media().get(1).withPort(0));
    assertThat(OfferAnswer.compare(withVideo, videoOff).has(MediaChange.Kind.REMOVED)).isTrue();
  }

  @Test
  void theAnswerVersionMovesOnlyWhenTheAnswerChanges() {
    SessionDescription offer = Bodies.parse("baresip-call-offer.sdp");
    SessionDescription first = OfferAnswer.answer(offer, g711(40000));
    LocalCapabilities laterOrigin = g711(40000);
    SessionDescription refresh = OfferAnswer.answer(offer, laterOrigin, first);
    assertThat(refresh).isEqualTo(first);

    SessionDescription hold = OfferAnswer.answer(OfferAnswer.hold(offer), laterOrigin, first);
    assertThat(hold.origin()).isEqualTo(first.origin().next());
    assertThat(hold.media().get(0).direction()).isEqualTo(Direction.RECVONLY);

    SessionDescription moved = OfferAnswer.answer(offer, g711(40002), hold);
    assertThat(moved.origin().sessionVersion()).isEqualTo(3);
  }
}
