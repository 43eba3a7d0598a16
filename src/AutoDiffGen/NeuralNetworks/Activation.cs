namespace AutoDiffGen.NeuralNetworks;

/// <summary>The activation a <see cref="Dense"/> layer applies to <c>x · w + b</c>, as in Keras' <c>activation=</c> argument.</summary>
/// <remarks>Each value maps to a [Differentiable] method of <see cref="Activations"/>, whose generated pullback is the backward pass.</remarks>
public enum Activation
{
    /// <summary>No activation: the layer returns <c>x · w + b</c> (Keras' default, <c>None</c> or <c>"linear"</c>).</summary>
    Linear,

    /// <summary><see cref="Activations.Relu"/>: max(x, 0).</summary>
    Relu,

    /// <summary><see cref="Activations.Sigmoid"/>: 1 / (1 + e⁻ˣ).</summary>
    Sigmoid,

    /// <summary><see cref="Activations.Tanh"/>: tanh(x).</summary>
    Tanh,

    /// <summary><see cref="Activations.Softmax"/>: the softmax of each row, so each row sums to 1.</summary>
    Softmax,
}
