using System;
using AutoDiffGen.CompilerServices;
using AutoDiffGen.Tensors;

namespace AutoDiffGen.NeuralNetworks;

/// <summary>
/// One Dense layer's part of a training step: the generated <c>Forward</c> half of the layer and its activation, then
/// the matching <c>Backward</c> halves, with what they keep in between. Reused every step, so a step allocates nothing.
/// </summary>
/// <remarks>
/// A ReLU layer runs <see cref="Layers.DenseRelu"/>, which adds the bias and applies the ReLU in one pass each way;
/// the other activations run after <see cref="Layers.Dense"/> as methods of their own.
/// </remarks>
internal sealed class LayerPass
{
    private Activation _activation;
    private Layers.DenseState? _dense;
    private Layers.DenseReluState? _denseRelu;
    private object? _activationState;
    private Tensor? _dPreActivation;

    /// <summary><c>activation(x · kernel + bias)</c>, keeping what <see cref="Backward"/> needs.</summary>
    public Tensor Forward(Activation activation, Tensor x, Tensor kernel, Tensor bias)
    {
        _activation = activation;
        switch (activation)
        {
            case Activation.Linear:
                return Layers.DenseForward(x, kernel, bias, ref _dense);
            case Activation.Relu:
                return Layers.DenseReluForward(x, kernel, bias, ref _denseRelu);
            default:
                Tensor z = Layers.DenseForward(x, kernel, bias, ref _dense);
                return Dense.ActivateForward(activation, z, ref _activationState);
        }
    }

    /// <summary>
    /// Adds the gradients of the last <see cref="Forward"/>'s layer for the adjoint <paramref name="seed"/> of its output
    /// (consumed) into <paramref name="dX"/>, <paramref name="dKernel"/> and <paramref name="dBias"/>; null skips one.
    /// </summary>
    public void Backward(Tensor seed, Tensor? dX, Tensor? dKernel, Tensor? dBias)
    {
        switch (_activation)
        {
            case Activation.Linear:
                Layers.DenseBackward(Kept(_dense), seed, dX, dKernel, dBias);
                break;
            case Activation.Relu:
                Layers.DenseReluBackward(Kept(_denseRelu), seed, dX, dKernel, dBias);
                break;
            default:
                _dPreActivation = TensorReuse.ZerosLike(_dPreActivation, seed);
                Dense.ActivationBackward(_activation, Kept(_activationState), seed, _dPreActivation);
                Layers.DenseBackward(Kept(_dense), _dPreActivation, dX, dKernel, dBias);
                break;
        }
    }

    private static T Kept<T>(T? state)
        where T : class =>
        state ?? throw new InvalidOperationException("Backward was called before Forward.");
}
