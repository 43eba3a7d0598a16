namespace AutoDiffGen.NeuralNetworks;

/// <summary>The loss a <see cref="Sequential"/> model is compiled with; each maps to a [Differentiable] method of <see cref="Losses"/>.</summary>
public enum Loss
{
    /// <summary>
    /// <see cref="Losses.MeanSquaredError"/>: the mean of (prediction − target)². Targets are a tensor shaped like the
    /// model's output, so train with the <c>Fit</c> overload that takes a target tensor.
    /// </summary>
    MeanSquaredError,

    /// <summary>
    /// <see cref="Losses.CategoricalCrossEntropy"/>: targets are one-hot rows (a tensor shaped like the output), outputs
    /// are probabilities (end the model with <see cref="Activation.Softmax"/>).
    /// </summary>
    CategoricalCrossEntropy,

    /// <summary>
    /// <see cref="Losses.SparseCategoricalCrossEntropy"/>: targets are class indices (an <c>int[]</c>), outputs are
    /// probabilities. When the last layer's activation is <see cref="Activation.Softmax"/>, training uses the fused
    /// <see cref="Losses.SoftmaxCrossEntropy"/> on the logits instead, as Keras does internally.
    /// </summary>
    SparseCategoricalCrossEntropy,
}
