package dev.lumen.core.render;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.lumen.core.image.Image;
import dev.lumen.core.tensor.Tensor;
import java.awt.image.BufferedImage;
import org.junit.jupiter.api.Test;

class OverlayTest {

  @Test
  void jetRunsFromDarkBlueToDarkRed() {
    assertEquals(0x000080, Colormap.JET.rgb(0f));
    assertEquals(0x800000, Colormap.JET.rgb(1f));
    assertEquals(0x80ff80, Colormap.JET.rgb(0.5f));
    assertEquals(0x440154, Colormap.VIRIDIS.rgb(0f));
    assertEquals(0xfde725, Colormap.VIRIDIS.rgb(1f));
    assertEquals(0xfcffa4, Colormap.INFERNO.rgb(1f));
  }

  @Test
  void overlayIsHeatTimesAlphaPlusImageTimesBeta() {
    Image grey = Image.gray("g", new float[] {100, 100}, 2, 1, 255f);
    Tensor heat = Tensor.of(new float[] {1f, 0.1f}, 1, 2);
    BufferedImage out = new Overlay(Colormap.JET, 0.3f, 0.5f, 0.2f).render(grey, heat);
    int hot = out.getRGB(0, 0) & 0xffffff;
    assertEquals(Math.round(0x80 * 0.3f + 50), hot >> 16);
    assertEquals(50, (hot >> 8) & 0xff);
    assertEquals(50, hot & 0xff);
    assertEquals(0x646464, out.getRGB(1, 0) & 0xffffff, "below the threshold the grey image shows alone");
  }
}
