package dev.lumen.app.demodata;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.lumen.app.evaluate.LabelledStudies;
import dev.lumen.core.image.Images;
import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ChestPhantomTest {

  @Test
  void theSameSeedDrawsTheSameStudy() {
    ChestPhantom a = ChestPhantom.draw(42, 128);
    ChestPhantom b = ChestPhantom.draw(42, 128);
    assertArrayEquals(a.pixels(), b.pixels());
    assertEquals(a.masks().keySet(), b.masks().keySet());
    assertTrue(!java.util.Arrays.equals(a.pixels(), ChestPhantom.draw(43, 128).pixels()));
  }

  /**
   * Every finding has a mask, and a lung finding makes the study denser on its mask: the study
   * drawn with the finding against the same study drawn without it.
   */
  @Test
  void masksLineUpWithTheFindings() {
    int[] seen = new int[ChestPhantom.FINDINGS.length];
    for (int seed = 0; seed < 120; seed++) {
      ChestPhantom study = ChestPhantom.draw(seed, 128);
      float[] with = study.pixels();
      float[] without = ChestPhantom.draw(seed, 128, false).pixels();
      for (Map.Entry<String, boolean[]> e : study.masks().entrySet()) {
        seen[List.of(ChestPhantom.FINDINGS).indexOf(e.getKey())]++;
        boolean[] mask = e.getValue();
        double added = 0;
        double elsewhere = 0;
        int n = 0;
        int outside = 0;
        for (int i = 0; i < mask.length; i++) {
          if (mask[i]) {
            added += with[i] - without[i];
            n++;
          } else if (!anyMask(study, i)) {
            elsewhere += Math.abs(with[i] - without[i]);
            outside++;
          }
        }
        assertTrue(n > 10, e.getKey() + " of study " + seed + " has a mask of " + n + " pixels");
        if (!e.getKey().equals("cardiomegaly")) {
          assertTrue(added / n > 0.05, e.getKey() + " of study " + seed + " adds " + added / n + " on its mask");
          assertTrue(elsewhere / outside < 0.05 * added / n, e.getKey() + " of study " + seed
              + " changes the image away from the masks by " + elsewhere / outside);
        }
      }
    }
    for (int f = 0; f < seen.length; f++) {
      assertTrue(seen[f] > 15 && seen[f] < 60, ChestPhantom.FINDINGS[f] + " in " + seen[f] + " of 120 studies");
    }
  }

  private static boolean anyMask(ChestPhantom study, int i) {
    return study.masks().values().stream().anyMatch(m -> m[i]);
  }

  @Test
  void datasetIsReadableAsLabelledStudies(@TempDir Path tmp) throws IOException {
    ChestDataset.write(tmp, 10, 3, 96, 0.3);
    List<String> labels = LabelledStudies.labelsOf(tmp.resolve("train.csv"));
    assertEquals(List.of(ChestPhantom.FINDINGS), labels);
    LabelledStudies train = LabelledStudies.read(tmp.resolve("train.csv"), labels);
    LabelledStudies valid = LabelledStudies.read(tmp.resolve("valid.csv"), labels);
    assertEquals(7, train.studies().size());
    assertEquals(3, valid.studies().size());
    for (LabelledStudies.Study s : train.studies()) {
      for (int f = 0; f < labels.size(); f++) {
        assertEquals(s.truth()[f], s.masks().containsKey(f), "a mask exactly for each finding present");
      }
    }
  }

  /**
   * The shortcut set: the burnt-in marker is an "R" (more white strokes than an "L") exactly on
   * the nodule studies of train.csv and valid.csv, and independent of the nodule in test.csv; its
   * box is a region:marker mask.
   */
  @Test
  void shortcutMarkerGivesTheNoduleAwayOnlyInTrainingAndValidation(@TempDir Path tmp) throws IOException {
    ChestDataset.writeShortcut(tmp, 80, 5, 128, 0.25);
    List<String> labels = LabelledStudies.labelsOf(tmp.resolve("train.csv"));
    assertEquals(List.of(ChestPhantom.FINDINGS), labels);
    int nodule = labels.indexOf(ChestDataset.SHORTCUT_FINDING);
    int mismatches = 0;
    for (String split : List.of("train", "valid", "test")) {
      LabelledStudies studies = LabelledStudies.read(tmp.resolve(split + ".csv"), labels);
      assertEquals(split.equals("train") ? 40 : 20, studies.studies().size(), split);
      for (LabelledStudies.Study s : studies.studies()) {
        float[] image = Images.read(s.image()).pixels().unsafeData();
        float[] marker = Images.read(s.regions().get("marker")).pixels().unsafeData();
        int white = 0;
        int box = 0;
        for (int i = 0; i < image.length; i++) {
          if (marker[i] > 0) {
            box++;
            white += image[i] >= 254 ? 1 : 0;
          }
        }
        // the box is 7 x 9 strokes; R sets 18 of them, L 11
        assertTrue(white >= 11.0 / 63 * box && white <= 18.0 / 63 * box, "a glyph in its box: " + white + " of " + box);
        boolean r = white > 14.0 / 63 * box;
        if (split.equals("test")) {
          mismatches += r != s.truth()[nodule] ? 1 : 0;
        } else {
          assertEquals(s.truth()[nodule], r, split + " " + s.image().getFileName() + ": R exactly on nodules");
        }
      }
    }
    assertTrue(mismatches > 3, "in test.csv the marker is independent of the nodule: " + mismatches + " of 20 differ");
  }
}
