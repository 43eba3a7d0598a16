namespace AutoDiffGen.NeuralNetworks;

/// <summary>A metric a <see cref="Sequential"/> model reports besides its loss, as in Keras' <c>metrics=</c> argument.</summary>
public enum Metric
{
    /// <summary>
    /// The fraction of examples whose predicted class (the largest output) is the true class: the label for
    /// class indices, the largest target for one-hot targets, and output ≥ 0.5 against target ≥ 0.5 for one output unit.
    /// </summary>
    Accuracy,
}
