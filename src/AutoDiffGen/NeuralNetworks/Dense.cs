using System;
using AutoDiffGen.Tensors;

namespace AutoDiffGen.NeuralNetworks;

/// <summary>
/// A fully connected layer for <see cref="Sequential"/>, like Keras' <c>Dense(units, activation=...)</c>: it computes
/// <c>activation(x · kernel + bias)</c> with <see cref="Layers.Dense"/> and the <see cref="Activations"/> method.
/// </summary>
/// <remarks>
/// The kernel (Glorot uniform, Keras' default) and the zero bias are created when the model first sees its input
/// width, from the model's seeded <see cref="Random"/>, so the same seed gives the same weights.
/// </remarks>
public sealed class Dense
{
    /// <summary>Creates a layer of <paramref name="units"/> outputs.</summary>
    /// <param name="units">The number of outputs; at least 1.</param>
    /// <param name="activation">The activation applied to <c>x · kernel + bias</c>; <see cref="Activation.Linear"/> for none.</param>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="units"/> is less than 1 or <paramref name="activation"/> is unknown.</exception>
    public Dense(int units, Activation activation = Activation.Linear)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(units, 1);
        if (!Enum.IsDefined(activation))
        {
            throw new ArgumentOutOfRangeException(nameof(activation), activation, "Unknown activation.");
        }
        Units = units;
        Activation = activation;
    }

    /// <summary>The number of outputs.</summary>
    public int Units { get; }

    /// <summary>The activation applied to <c>x · kernel + bias</c>.</summary>
    public Activation Activation { get; }

    /// <summary>The kernel, [inputs, units]; null until the model is built.</summary>
    public Tensor? Kernel { get; private set; }

    /// <summary>The bias, a vector of <see cref="Units"/> elements; null until the model is built.</summary>
    public Tensor? Bias { get; private set; }

    /// <summary>The number of inputs; 0 until the model is built.</summary>
    public int InputWidth => Kernel?.Rows ?? 0;

    /// <summary>Whether the model that owns this layer has created its weights.</summary>
    public bool IsBuilt => Kernel is not null;

    internal Sequential? Owner { get; set; }

    internal void Build(int inputWidth, Random random)
    {
        Kernel = Initializers.GlorotUniform(inputWidth, Units, random);
        Bias = Initializers.Zeros(Units);
    }

    /// <summary><c>activation(z)</c> with the [Differentiable] activation method, for inference.</summary>
    internal static Tensor Activate(Activation activation, Tensor z) => activation switch
    {
        Activation.Linear => z,
        Activation.Relu => Activations.Relu(z),
        Activation.Sigmoid => Activations.Sigmoid(z),
        Activation.Tanh => Activations.Tanh(z),
        Activation.Softmax => Activations.Softmax(z),
        _ => throw new InvalidOperationException($"Unknown activation {activation}."),
    };

    /// <summary>
    /// <c>activation(z)</c> with the activation's generated <c>Forward</c> half, which keeps in <paramref name="state"/>
    /// (one per layer, reused every step) what its <c>Backward</c> half needs. Not called for <see cref="Activation.Linear"/>.
    /// </summary>
    internal static Tensor ActivateForward(Activation activation, Tensor z, ref object? state)
    {
        switch (activation)
        {
            case Activation.Relu:
            {
                var relu = state as Activations.ReluState;
                Tensor y = Activations.ReluForward(z, ref relu);
                state = relu;
                return y;
            }
            case Activation.Sigmoid:
            {
                var sigmoid = state as Activations.SigmoidState;
                Tensor y = Activations.SigmoidForward(z, ref sigmoid);
                state = sigmoid;
                return y;
            }
            case Activation.Tanh:
            {
                var tanh = state as Activations.TanhState;
                Tensor y = Activations.TanhForward(z, ref tanh);
                state = tanh;
                return y;
            }
            case Activation.Softmax:
            {
                var softmax = state as Activations.SoftmaxState;
                Tensor y = Activations.SoftmaxForward(z, ref softmax);
                state = softmax;
                return y;
            }
            default:
                throw new InvalidOperationException($"Activation {activation} has no generated Forward to call.");
        }
    }

    /// <summary>
    /// Adds <c>seed · ∂activation(z)/∂z</c> into <paramref name="dZ"/> with the activation's generated <c>Backward</c>
    /// half, from the state its <c>Forward</c> kept. Not called for <see cref="Activation.Linear"/>, whose adjoint
    /// passes through unchanged.
    /// </summary>
    internal static void ActivationBackward(Activation activation, object state, Tensor seed, Tensor dZ)
    {
        switch (activation)
        {
            case Activation.Relu:
                Activations.ReluBackward((Activations.ReluState)state, seed, dZ);
                break;
            case Activation.Sigmoid:
                Activations.SigmoidBackward((Activations.SigmoidState)state, seed, dZ);
                break;
            case Activation.Tanh:
                Activations.TanhBackward((Activations.TanhState)state, seed, dZ);
                break;
            case Activation.Softmax:
                Activations.SoftmaxBackward((Activations.SoftmaxState)state, seed, dZ);
                break;
            default:
                throw new InvalidOperationException($"Activation {activation} has no generated Backward to call.");
        }
    }
}
