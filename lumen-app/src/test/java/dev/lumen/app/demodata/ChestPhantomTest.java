package dev.lumen.app.demodata;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.lumen.app.evaluate.LabelledStudies;
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
}
