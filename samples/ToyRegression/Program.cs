using System;
using ToyRegressionSample;

// Usage: ToyRegression [--epochs N] [--rate R] [--plot FILE.png]
return ToyRegressionApp.Run(args, Console.Out, Console.Error);
