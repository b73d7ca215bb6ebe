package dev.lumen.core.model;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.lumen.core.LumenException;
import dev.lumen.core.TestModels;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** Card values are checked when read, with messages naming the field, the value and what is allowed. */
class ModelCardTest {

  private static String refusal(Path tmp, String json) throws IOException {
    Path card = Files.writeString(tmp.resolve("m.lumen.json"), json);
    LumenException e = assertThrows(LumenException.class, () -> ModelCard.read(card));
    assertTrue(e.getMessage().startsWith(card + ": "), e.getMessage());
    assertTrue(!e.getMessage().contains("Cannot construct") && !e.getMessage().contains("No enum constant")
        && !e.getMessage().contains("[Source:"), "no internal text: " + e.getMessage());
    return e.getMessage().substring(card.toString().length() + 2);
  }

  @ParameterizedTest
  @CsvSource(delimiter = '|', value = {
      "{\"labels\": [\"nodule\", \"Nodule\"]}|model card field 'labels' names 'Nodule' twice (positions 0 and 1); every output needs its own label",
      "{\"labels\": [\"a\", \"\"]}|model card field 'labels' has an empty name at position 1",
      "{\"task\": \"regression\"}|unknown task 'regression', expected one of [multi-class, multi-label, binary]",
      "{\"input\": {\"layout\": \"CHW\"}}|model card field 'input.layout' is 'CHW'; allowed: [NCHW, NHWC, NCDHW]",
      "{\"input\": {\"channels\": \"rgba\"}}|model card field 'input.channels' is 'rgba'; allowed: [grayscale, rgb, bgr]",
      "{\"input\": {\"width\": 0}}|model card field 'input.width' is 0; allowed: 1 to 16384",
      "{\"input\": {\"width\": \"wide\"}}|model card field 'input.width' must be a whole number",
      "{\"input\": {\"volume\": 3}}|model card field 'input.volume' must be true or false",
      "{\"input\": {\"layout\": 4}}|model card field 'input.layout' must be a string",
      "{\"labels\": \"a,b\"}|model card field 'labels' must be a list of strings",
      "{\"preprocessing\": {\"resize\": \"squash\"}}|model card field 'preprocessing.resize' is 'squash'; allowed: [stretch, crop]",
      "{\"preprocessing\": {\"preset\": \"mrnet\"}}|model card field 'preprocessing.preset' is 'mrnet'; allowed: [imagenet, unit, raw, minmax]",
      "{\"preprocessing\": {\"mean\": [0.1, 0.2]}}|model card field 'preprocessing.mean' has 2 values [0.1, 0.2]; give one, or one per channel (1 or 3)",
      "{\"preprocessing\": {\"std\": [0]}}|model card field 'preprocessing.std' holds 0.0 in [0.0]; allowed: finite values above 0",
      "{\"input\": {\"size\": 3}}|unknown field 'input.size' in model card; known: [channels, height, layout, volume, width]",
      "null|model card is JSON null; a card is an object such as {\"labels\": [...]}",
      "{\"labels\": [|not valid JSON at line 1, column 13; a model card is a JSON object",
  })
  void badValuesAreRefusedNamingTheField(String json, String message, @TempDir Path tmp) throws IOException {
    assertEquals(message, refusal(tmp, json));
  }

  @Test
  void aModelWhoseOutputIsAMapIsNotTakenForAClassifier() {
    LumenException e = assertThrows(LumenException.class, () -> Model.load(TestModels.model("segmenter")));
    assertTrue(e.getMessage().contains("output 'mask' has shape [1, 1, 32, 32], a map or grid rather than one "
        + "score per class"), e.getMessage());
  }

  @Test
  void aCardLayerTheGraphLacksIsRefusedForEveryMethod(@TempDir Path tmp) throws IOException {
    Path model = Files.copy(TestModels.model("dense_head"), tmp.resolve("dense_head.onnx"));
    Files.writeString(ModelCard.pathFor(model), "{\"layer\": \"layer9\"}");
    assertTrue(assertThrows(LumenException.class, () -> Model.load(model)).getMessage()
        .contains("the card's layer 'layer9' is not a tensor of the graph"));
  }
}
