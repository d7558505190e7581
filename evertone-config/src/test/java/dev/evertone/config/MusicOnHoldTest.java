package dev.evertone.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.evertone.media.audio.AudioClip;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** media.music-on-hold: evertone's own track by default; a file of one's own, or a clear error. */
class MusicOnHoldTest {
  @TempDir Path dir;

  private static ServerConfig with(String setting) {
    return ConfigLoader.load(null, Map.of(), List.of(setting));
  }

  @Test
  void withoutASettingEvertonesOwnTrackPlays() {
    AudioClip music = Settings.musicOnHold(ConfigLoader.load(null, Map.of(), List.of()));
    assertThat(music.frames()).as("about 32 s of 20 ms frames").isBetween(1500, 1700);
  }

  @Test
  void aMissingFileIsNamed() {
    Path missing = dir.resolve("hold.wav");
    assertThatThrownBy(() -> Settings.musicOnHold(with("media.music-on-hold=" + missing)))
        .isInstanceOf(ConfigException.class)
        .hasMessage("media.music-on-hold: no such file: " + missing);
  }

  @Test
  void aFileThatIsNotAudioSaysWhatIsAccepted() throws Exception {
    Path mp3 = Files.writeString(dir.resolve("hold.mp3"), "ID3 this is not a WAV file");
    assertThatThrownBy(() -> Settings.musicOnHold(with("media.music-on-hold=" + mp3)))
        .isInstanceOf(ConfigException.class)
        .hasMessage(
            "media.music-on-hold: "
                + mp3
                + " is not a WAV file evertone reads; accepted: WAV with PCM, µ-law or A-law");
  }
}
