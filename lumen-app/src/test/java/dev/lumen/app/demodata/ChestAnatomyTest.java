package dev.lumen.app.demodata;

import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

/** The synthetic chest keeps the proportions and asymmetries a reader of radiographs expects. */
class ChestAnatomyTest {
  private static final int SIZE = 256;

  /**
   * The cardiothoracic ratio (the heart's widest extent over the lungs' outer width) is below one
   * half for a normal heart and above it for an enlarged one, as the radiological definition of
   * cardiomegaly has it; and most of the heart lies left of the midline (the image's right).
   */
  @Test
  void cardiothoracicRatioSeparatesEnlargedHearts() {
    for (int seed = 0; seed < 40; seed++) {
      for (boolean enlarged : new boolean[] {false, true}) {
        ChestAnatomy chest = new ChestAnatomy(Seeds.random(seed), SIZE, enlarged);
        int heartLeft = SIZE;
        int heartRight = -1;
        int lungsLeft = SIZE;
        int lungsRight = -1;
        int heartOnPatientsLeft = 0;
        int heart = 0;
        for (int y = 0; y < SIZE; y++) {
          for (int x = 0; x < SIZE; x++) {
            if (chest.heartInside(x, y) > 0 && chest.height(y) < chest.diaphragm(0.2, chest.side(x))) {
              heartLeft = Math.min(heartLeft, x);
              heartRight = Math.max(heartRight, x);
              heart++;
              heartOnPatientsLeft += chest.side(x) == ChestAnatomy.LEFT ? 1 : 0;
            }
            if (chest.lungField(x, y) > 0.5) {
              lungsLeft = Math.min(lungsLeft, x);
              lungsRight = Math.max(lungsRight, x);
            }
          }
        }
        double ratio = (heartRight - heartLeft + 1.0) / (lungsRight - lungsLeft + 1.0);
        String what = "seed " + seed + (enlarged ? " enlarged" : " normal") + ": cardiothoracic ratio " + ratio;
        assertTrue(enlarged ? ratio > 0.52 : ratio > 0.3 && ratio < 0.48, what);
        assertTrue(heartOnPatientsLeft > 0.6 * heart, what + ", " + heartOnPatientsLeft + " of " + heart
            + " heart pixels left of the midline");
      }
    }
  }

  /**
   * Each lung reaches from its apex down to a diaphragm dome whose lowest point is the lateral
   * costophrenic angle; the right dome is the higher one.
   */
  @Test
  void lungsHaveApicesDomesAndCostophrenicAngles() {
    for (int seed = 0; seed < 40; seed++) {
      ChestAnatomy chest = new ChestAnatomy(Seeds.random(seed), SIZE, false);
      for (int side : new int[] {ChestAnatomy.RIGHT, ChestAnatomy.LEFT}) {
        double dome = chest.diaphragm(0.45, side);
        double angle = chest.diaphragm(ChestAnatomy.BASAL_WALL, side);
        assertTrue(angle > dome + 0.15, "seed " + seed + ": the costophrenic angle lies below the dome");
        int top = SIZE;
        int bottom = -1;
        for (int y = 0; y < SIZE; y++) {
          for (int x = 0; x < SIZE; x++) {
            if (chest.side(x) == side && chest.lungField(x, y) > 0.5) {
              top = Math.min(top, y);
              bottom = Math.max(bottom, y);
            }
          }
        }
        assertTrue(bottom - top > 0.5 * SIZE, "seed " + seed + ": a lung " + (bottom - top) + " pixels tall");
        assertTrue(Math.abs(chest.row(angle) - bottom) < 3, "seed " + seed + ": the lung's lowest point, "
            + bottom + ", is the costophrenic angle, " + chest.row(angle));
      }
      assertTrue(chest.diaphragm(0.45, ChestAnatomy.RIGHT) < chest.diaphragm(0.45, ChestAnatomy.LEFT),
          "seed " + seed + ": the right dome is higher");
    }
  }
}
