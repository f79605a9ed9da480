"""The face engine: detection, quality, alignment and embedding, search, calibration, evaluation.

It knows nothing of residents or doors and imports only NumPy and OpenCV.
"""
