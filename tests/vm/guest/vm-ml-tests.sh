#!/bin/sh
# Sourced by vm-tests.sh (noop mode), which defines check/runs_with and $img:
# the model ops (TF, TFLite, Torch) from inside the guest against the host's
# noop plugin, through the model examples. Their model files are dummies
# (noop never reads them; the upload still crosses as a resource). The noop
# result copies the input, so with an "image" whose largest byte is at
# offset 1000 and one label per value, the prediction must be class-1000:
# the tensor made the round trip intact.
ml=/tmp/vmt-ml
ml_labels=/usr/local/share/vaccel/labels/imagenet.txt
mkdir -p "$ml/tf-model"
echo "dummy TF SavedModel" >"$ml/tf-model/saved_model.pb"
echo "dummy TFLite model" >"$ml/model.tflite"
echo "dummy TorchScript model" >"$ml/model.pt"
head -c 1000 /dev/zero >"$ml/argmax.bin"
printf '\377\001' >>"$ml/argmax.bin"
seq 0 150527 | sed 's/^/class-/' >"$ml/labels-per-value.txt"
ml_out="Output tensor => type:1 nr_dims:4 size:602112B"

check "tf_inference" runs_with "$ml_out" tf_inference "$img" "$ml/tf-model" "$ml_labels" 2
check "tf_inference status" runs_with \
	"Session load status => code:0 message:Operation handled by noop plugin" \
	tf_inference "$img" "$ml/tf-model" "$ml_labels"
check "tf_inference round trip" runs_with "Prediction: class-1000" \
	tf_inference "$ml/argmax.bin" "$ml/tf-model" "$ml/labels-per-value.txt"
check "tflite_inference" runs_with "$ml_out" tflite_inference "$img" "$ml/model.tflite" \
	"$ml_labels" 2
check "torch_inference" runs_with "Output tensor => type:7 nr_dims:4 size:602112B" \
	torch_inference "$img" "$ml/model.pt" "$ml_labels" 2
check "torch_inference round trip" runs_with "Prediction: class-1000" \
	torch_inference "$ml/argmax.bin" "$ml/model.pt" "$ml/labels-per-value.txt"
rm -rf "$ml"
