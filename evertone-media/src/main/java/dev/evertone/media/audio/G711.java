package dev.evertone.media.audio;

import java.util.Locale;
import org.jspecify.annotations.Nullable;

/**
 * G.711 (ITU-T G.711): µ-law (PCMU, payload type 0) and A-law (PCMA, payload type 8), one byte per
 * sample at 8 kHz (RFC 3551 4.5.14). Decoding is a table lookup; encoding follows the segment rules
 * of the recommendation. Transcoding between the two laws is a decode and an encode.
 */
public enum G711 implements AudioCodec {
  /** µ-law, North America and Japan. */
  PCMU(0),
  /** A-law, the rest of the world. */
  PCMA(8);

  private static final short[] ULAW_TO_LINEAR = new short[256];
  private static final short[] ALAW_TO_LINEAR = new short[256];
  private static final int ULAW_BIAS = 0x84;
  private static final int ULAW_CLIP = 32_635;

  static {
    for (int i = 0; i < 256; i++) {
      ULAW_TO_LINEAR[i] = ulawToLinear(i);
      ALAW_TO_LINEAR[i] = alawToLinear(i);
    }
  }

  private final int payloadType;

  G711(int payloadType) {
    this.payloadType = payloadType;
  }

  /** The law named {@code encoding} in an rtpmap ({@code PCMU}, {@code PCMA}), or null. */
  public static @Nullable G711 named(String encoding) {
    return switch (encoding.toUpperCase(Locale.ROOT)) {
      case "PCMU" -> PCMU;
      case "PCMA" -> PCMA;
      default -> null;
    };
  }

  /** The law of static payload type {@code payloadType} (0 or 8), or null. */
  public static @Nullable G711 ofPayloadType(int payloadType) {
    return payloadType == 0 ? PCMU : payloadType == 8 ? PCMA : null;
  }

  @Override
  public int staticPayloadType() {
    return payloadType;
  }

  @Override
  public int clockRate() {
    return 8000;
  }

  /** One sample decoded. */
  public short decode(byte sample) {
    return (this == PCMU ? ULAW_TO_LINEAR : ALAW_TO_LINEAR)[sample & 0xff];
  }

  /** One sample encoded. */
  public byte encode(short sample) {
    return this == PCMU ? linearToUlaw(sample) : linearToAlaw(sample);
  }

  @Override
  public int decode(byte[] payload, int offset, int length, short[] pcm, int pcmOffset) {
    short[] table = this == PCMU ? ULAW_TO_LINEAR : ALAW_TO_LINEAR;
    for (int i = 0; i < length; i++) {
      pcm[pcmOffset + i] = table[payload[offset + i] & 0xff];
    }
    return length;
  }

  @Override
  public int encode(short[] pcm, int pcmOffset, int samples, byte[] payload, int offset) {
    for (int i = 0; i < samples; i++) {
      payload[offset + i] = encode(pcm[pcmOffset + i]);
    }
    return samples;
  }

  /**
   * µ-law: 8 segments of 16 steps on a biased magnitude, sign in the top bit, all bits inverted.
   */
  private static byte linearToUlaw(short sample) {
    int s = sample;
    int sign = (s >> 8) & 0x80;
    if (sign != 0) {
      s = -s;
    }
    s = Math.min(s, ULAW_CLIP) + ULAW_BIAS;
    int exponent = 7;
    for (int mask = 0x4000; (s & mask) == 0 && exponent > 0; mask >>= 1) {
      exponent--;
    }
    int mantissa = (s >> (exponent + 3)) & 0x0f;
    return (byte) ~(sign | (exponent << 4) | mantissa);
  }

  private static short ulawToLinear(int code) {
    int u = ~code & 0xff;
    int t = ((u & 0x0f) << 3) + ULAW_BIAS;
    t <<= (u & 0x70) >> 4;
    return (short) ((u & 0x80) != 0 ? ULAW_BIAS - t : t - ULAW_BIAS);
  }

  /** A-law: 13-bit magnitude in 8 segments, sign bit set for positive, even bits inverted. */
  private static byte linearToAlaw(short sample) {
    int s = sample >> 3; // 13 bits
    int mask;
    if (s >= 0) {
      mask = 0xd5; // sign bit set, even bits inverted
    } else {
      mask = 0x55;
      s = -s - 1;
    }
    int code;
    if (s < 32) {
      code = s >> 1;
    } else {
      int segment = 1;
      for (int v = s >> 5; v > 1 && segment < 8; v >>= 1) {
        segment++;
      }
      if (segment >= 8) {
        code = 0x7f; // beyond the last segment: clipped
      } else {
        code = (segment << 4) | ((s >> segment) & 0x0f);
      }
    }
    return (byte) (code ^ mask);
  }

  private static short alawToLinear(int code) {
    int a = code ^ 0x55;
    int t = (a & 0x0f) << 4;
    int segment = (a & 0x70) >> 4;
    if (segment == 0) {
      t += 8;
    } else {
      t += 0x108;
      t <<= segment - 1;
    }
    return (short) ((a & 0x80) != 0 ? t : -t);
  }
}
