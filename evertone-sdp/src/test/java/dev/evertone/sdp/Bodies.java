package dev.evertone.sdp;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.List;

/** The real SDP bodies under {@code src/test/resources/sdp} (see the README there). */
final class Bodies {
  private Bodies() {}

  /** Every body with CRLF line ends, as captured or published. */
  static final List<String> CRLF =
      List.of(
          "baresip-call-offer.sdp",
          "baresip-call-answer.sdp",
          "baresip-hold-offer.sdp",
          "baresip-hold-answer.sdp",
          "baresip-resume-offer.sdp",
          "baresip-ice-dtls-offer.sdp",
          "sipp-uac-offer.sdp",
          "sipp-uas-answer.sdp",
          "chromium-audio-offer.sdp",
          "chromium-audio-answer.sdp",
          "chromium-audio-video-data-offer.sdp",
          "polycom-soundpoint-650-offer.sdp",
          "polycom-soundpoint-335-offer.sdp",
          "polycom-srtp-offer.sdp",
          "yealink-t27g-offer.sdp");

  static String text(String name) {
    try (InputStream in = Bodies.class.getResourceAsStream("/sdp/" + name)) {
      if (in == null) {
        throw new IllegalStateException("no test resource sdp/" + name);
      }
      return new String(in.readAllBytes(), StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new IllegalStateException(e);
    }
  }

  static SessionDescription parse(String name) {
    return new SdpParser().parse(text(name));
  }
}
