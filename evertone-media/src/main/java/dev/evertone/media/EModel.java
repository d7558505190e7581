package dev.evertone.media;

/**
 * A simplified ITU-T G.107 E-model for a G.711 stream with packet loss concealment, to estimate a
 * mean opinion score from what a relay can measure (loss and jitter; the one-way delay it cannot).
 *
 * <ul>
 *   <li>R = 93.2 - Id - Ie,eff: G.107 (06/2015) 7.1 with the default values (Ro - Is = 93.2) and no
 *       advantage factor.
 *   <li>Delay: the network delay is unknown here; the delay a jitter buffer adds is taken as twice
 *       the jitter plus 10 ms (the usual simplification of Cole and Rosenbluth, "Voice over IP
 *       performance monitoring", ACM SIGCOMM CCR 2001), and Id = 0.024 d + 0.11 (d - 177.3) H(d -
 *       177.3) from the same paper's fit of G.107.
 *   <li>Loss: Ie,eff = Ie + (95 - Ie) Ppl / (Ppl / BurstR + Bpl), G.107 7-29, with G.711's Ie = 0
 *       and Bpl = 25.1 (G.113 Appendix I, with PLC), random loss (BurstR = 1).
 *   <li>R to MOS: G.107 Annex B, B-4.
 * </ul>
 */
final class EModel {
  private static final double R_DEFAULT = 93.2;
  private static final double IE_G711 = 0;
  private static final double BPL_G711_PLC = 25.1;
  private static final double BURST_RANDOM = 1;

  private EModel() {}

  /** The MOS of a stream losing {@code lossFraction} (0 to 1) of its packets with this jitter. */
  static double mos(double lossFraction, double jitterMs) {
    double d = 2 * jitterMs + 10;
    double id = 0.024 * d + (d > 177.3 ? 0.11 * (d - 177.3) : 0);
    double ppl = 100 * Math.max(0, Math.min(1, lossFraction));
    double ieEff = IE_G711 + (95 - IE_G711) * ppl / (ppl / BURST_RANDOM + BPL_G711_PLC);
    return fromR(R_DEFAULT - id - ieEff);
  }

  /** G.107 Annex B (B-4). */
  static double fromR(double r) {
    if (r <= 0) {
      return 1;
    }
    if (r >= 100) {
      return 4.5;
    }
    return Math.max(1, 1 + 0.035 * r + 7e-6 * r * (r - 60) * (100 - r));
  }
}
