package dev.evertone.store;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Objects;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** The rules of stored values, as imports and the API apply them. */
class ValuesTest {
  @ParameterizedTest
  @ValueSource(
      strings = {
        "001565AABBCC",
        "00:15:65:aa:bb:cc",
        "00-15-65-AA-BB-CC",
        "0015.65aa.bbcc",
        " 00:15:65:aa:bb:cc "
      })
  void macsAreAcceptedInTheFormsPeopleWriteThem(String mac) {
    assertThat(Values.mac(mac)).isEqualTo("001565aabbcc");
    String normalised = Objects.requireNonNull(Values.mac(mac), "a MAC that is written down");
    assertThat(Values.formatMac(normalised)).isEqualTo("00:15:65:aa:bb:cc");
  }

  @ParameterizedTest
  @ValueSource(
      strings = {
        "zz",
        "00:15:65:aa:bb",
        "00:15:65:aa:bb:cc:dd",
        "00:15-65:aa:bb:cc",
        "0015.65aa-bbcc",
        "00:15:65:aa:bb:cg",
        "000000000000",
        "ff:ff:ff:ff:ff:ff",
        "\u0660\u0660:15:65:aa:bb:cc",
        "00155:aabbcc"
      })
  void anythingElseIsNot(String mac) {
    assertThatThrownBy(() -> Values.mac(mac))
        .isInstanceOfSatisfying(
            ValidationException.class, e -> assertThat(e.field()).isEqualTo("mac"));
  }

  @Test
  void secretsMayHoldAnythingButNulAndLoneSurrogates() {
    String wild = "'\";--\\%/* */\r\n\t \u00e9\u4e2d\ud83d\udd11";
    assertThat(Values.secret(wild)).isEqualTo(wild);
    assertThat(Values.secret(" ")).isEqualTo(" ");
    assertThatThrownBy(() -> Values.secret("a\ud800b")).hasMessageContaining("lone surrogate");
    assertThatThrownBy(() -> Values.secret("a\udc00")).hasMessageContaining("lone surrogate");
    assertThatThrownBy(() -> Values.secret("x".repeat(129)))
        .hasMessageContaining("longer than 128");
    assertThat(Values.secret("\ud83d\udd11".repeat(128)))
        .hasSize(256); // 128 characters, 256 UTF-16 units
  }

  @Test
  void textFieldsAreTrimmedAndFreeOfControlCharacters() {
    assertThat(Values.displayName("  Front desk ")).isEqualTo("Front desk");
    assertThat(Values.model(" ")).isNull();
    assertThatThrownBy(() -> Values.description("a\nb")).hasMessageContaining("control character");
    assertThatThrownBy(() -> Values.lineNo(65)).hasMessageContaining("between 1 and 64");
  }
}
