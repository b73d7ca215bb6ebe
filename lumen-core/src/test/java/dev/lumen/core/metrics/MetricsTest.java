package dev.lumen.core.metrics;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.junit.jupiter.api.Test;

/** Metrics against values computed by hand. */
class MetricsTest {

  /**
   * Scores 0.9+ 0.8- 0.8+ 0.6- 0.4+ 0.2-: positive/negative pairs ordered right: (0.9 over all 3),
   * (0.8+ over 0.6, 0.2, tie with 0.8- = 1/2), (0.4 over 0.2) = 3 + 2.5 + 1 = 6.5 of 9.
   */
  @Test
  void aucCountsTiesAsOneHalf() {
    float[] s = {0.9f, 0.8f, 0.8f, 0.6f, 0.4f, 0.2f};
    boolean[] p = {true, false, true, false, true, false};
    Roc roc = Roc.of(s, p);
    assertEquals(6.5 / 9, roc.auc(), 1e-12);
    assertEquals(3, roc.positives());
    List<Roc.Point> points = roc.points();
    assertEquals(0, points.get(0).truePositiveRate());
    assertEquals(1.0 / 3, points.get(1).truePositiveRate(), 1e-12);
    assertEquals(2.0 / 3, points.get(2).truePositiveRate(), 1e-12, "the tie moves both rates at once");
    assertEquals(1.0 / 3, points.get(2).falsePositiveRate(), 1e-12);
    assertEquals(1.0, points.get(points.size() - 1).falsePositiveRate());
    assertEquals(1.0, Roc.of(new float[] {1, 0}, new boolean[] {true, false}).auc());
    assertEquals(0.5, Roc.of(new float[] {0.3f, 0.3f}, new boolean[] {true, false}).auc());
    assertThrows(IllegalArgumentException.class, () -> Roc.of(new float[] {1}, new boolean[] {true}));
  }

  @Test
  void confusionAtAThreshold() {
    float[] s = {0.9f, 0.8f, 0.5f, 0.3f, 0.1f};
    boolean[] p = {true, false, true, true, false};
    BinaryCounts c = BinaryCounts.of(s, p, 0.5);
    assertEquals(new BinaryCounts(2, 1, 1, 1), c);
    assertEquals(2.0 / 3, c.sensitivity(), 1e-12);
    assertEquals(0.5, c.specificity(), 1e-12);
    assertEquals(0.6, c.accuracy(), 1e-12);
  }

  @Test
  void mapAgreementWithAMask() {
    float[] heat = {0.1f, 0.9f, 0.4f, 0f, 0.6f, 0f};
    float[] mask = {0, 1, 1, 0, 0, 0};
    assertTrue(MapAgreement.pointingHit(heat, mask, 3, 0));
    float[] elsewhere = {0, 0, 0, 0, 0, 1};   // maximum at (1, 0); the finding at (2, 1)
    assertFalse(MapAgreement.pointingHit(heat, elsewhere, 3, 1.4));
    assertTrue(MapAgreement.pointingHit(heat, elsewhere, 3, 1.5), "within the tolerance");
    assertEquals(Math.sqrt(2), MapAgreement.distanceFromPeak(heat, elsewhere, 3), 1e-12);
    assertEquals(0, MapAgreement.distanceFromPeak(heat, mask, 3));
    assertEquals(Double.POSITIVE_INFINITY, MapAgreement.distanceFromPeak(heat, new float[6], 3));
    assertEquals(15, MapAgreement.pointingTolerance(224), 1e-12);
    assertEquals(1.3 / 2.0, MapAgreement.energyInside(heat, mask), 1e-6);
    // at 0.5: {1, 4} against {1, 2}: intersection 1, union 3
    assertEquals(1.0 / 3, MapAgreement.iou(heat, mask, 0.5), 1e-12);
    assertThrows(IllegalArgumentException.class, () -> MapAgreement.iou(heat, new float[2], 0.5));
  }
}
