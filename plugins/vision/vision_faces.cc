// SPDX-License-Identifier: Apache-2.0
/*
 * Faces with OpenCV and dlib (C++ side of vision.h).
 *
 *   image_detect  OpenCV's Haar frontal-face cascade (opencv-data) on the equalised gray
 *                 image: faces from about 30 px.
 *   image_pose    dlib's HOG face detector, then its 68-point landmark model
 *                 (libdlib-data) on each face: faces from about 80 px.
 *
 * Both write their result as text into the caller's image-name buffer (the only output
 * these ops have; format in README.md) and, when the operator set VACCEL_VISION_OUTPUT_DIR,
 * an annotated copy of the image into that directory, named in the text. The copies reuse
 * OUTPUT_SLOTS names in turn, so no caller can fill the host's disk.
 *
 * The detectors are not safe for concurrent use: one lock each. The landmark model (100 MB)
 * is loaded on the first pose request, not at start-up.
 */
#include <algorithm>
#include <atomic>
#include <cinttypes>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <mutex>
#include <string>
#include <sys/stat.h>
#include <vector>

#include <dlib/image_processing.h>
#include <dlib/image_processing/frontal_face_detector.h>
#include <dlib/opencv.h>
#include <opencv2/imgcodecs.hpp>
#include <opencv2/imgproc.hpp>
#include <opencv2/objdetect.hpp>

#include "img_decode.h"
#include "vision.h"

#define vision_debug(...) vaccel_debug("[vision] " __VA_ARGS__)
#define vision_error(...) vaccel_error("[vision] " __VA_ARGS__)

namespace
{

constexpr const char *CASCADE_DEFAULT =
    "/usr/share/opencv4/haarcascades/haarcascade_frontalface_default.xml";
constexpr const char *LANDMARKS_DEFAULT = "/usr/share/dlib/shape_predictor_68_face_landmarks.dat";
constexpr size_t FACES_MAX = 64;      /* reported per image, largest first */
constexpr unsigned OUTPUT_SLOTS = 16; /* annotated copies kept at once */
constexpr int LANDMARKS = 68;

struct state {
	std::string cascade_path, landmarks_path, output_dir;

	std::mutex cascade_lock;
	cv::CascadeClassifier cascade;

	std::mutex hog_lock;
	dlib::frontal_face_detector hog = dlib::get_frontal_face_detector();

	std::once_flag landmarks_once;
	bool landmarks_ok = false;
	dlib::shape_predictor landmarks;

	std::atomic<unsigned> next_slot{0};
};
state *st;

std::string env_or(const char *name, const char *fallback)
{
	const char *v = std::getenv(name);

	return v && *v ? v : fallback;
}

/* Runs `body`, turning anything OpenCV or dlib throws into one error line. */
template <typename F> int guarded(const char *op, F body)
{
	try {
		return body();
	} catch (const std::bad_alloc &) {
		vision_error("%s: out of memory", op);
		return VACCEL_ENOMEM;
	} catch (const std::exception &e) {
		std::string s = e.what();

		vision_error("%s: %s", op, s.substr(0, s.find('\n')).c_str());
		return VACCEL_EINVAL;
	}
}

/* Largest FACES_MAX faces, then in reading order (top to bottom, left to right). */
void order_faces(std::vector<cv::Rect> &faces)
{
	if (faces.size() > FACES_MAX) {
		std::sort(faces.begin(), faces.end(),
			  [](const cv::Rect &a, const cv::Rect &b) { return a.area() > b.area(); });
		faces.resize(FACES_MAX);
	}
	std::sort(faces.begin(), faces.end(), [](const cv::Rect &a, const cv::Rect &b) {
		return a.y != b.y ? a.y < b.y : a.x < b.x;
	});
}

/* Writes the annotated copy when asked to; returns its path, or "" (none, or failed). */
std::string save_annotated(const char *op, const cv::Mat &pic)
{
	char name[64];

	if (st->output_dir.empty())
		return "";
	std::snprintf(name, sizeof(name), "/vaccel-vision-%02u.png",
		      st->next_slot.fetch_add(1) % OUTPUT_SLOTS);
	std::string path = st->output_dir + name;
	if (!cv::imwrite(path, pic)) {
		vision_error("%s: could not write %s", op, path.c_str());
		return "";
	}
	return path;
}

/* Copies the result text to the caller's buffer, or says why it does not fit. */
int put_text(const char *op, const std::string &text, unsigned char *out, size_t len)
{
	if (!out || text.size() + 1 > len) {
		vision_error("%s: the result needs %zu bytes, the buffer holds %zu", op,
			     text.size() + 1, out ? len : 0);
		return VACCEL_ENOSPC;
	}
	std::memcpy(out, text.c_str(), text.size() + 1);
	return VACCEL_OK;
}

std::string face_lines(const std::vector<cv::Rect> &faces, size_t i)
{
	char line[96];

	std::snprintf(line, sizeof(line), "face %zu: %d %d %d %d\n", i, faces[i].x, faces[i].y,
		      faces[i].width, faces[i].height);
	return line;
}

bool decode(const char *op, const void *img, size_t len, cv::Mat &color, cv::Mat &gray)
{
	std::string why;

	if (!img_decode(img, len, IMG_BGR, color, why)) {
		vision_error("%s: %s", op, why.c_str());
		return false;
	}
	cv::cvtColor(color, gray, cv::COLOR_BGR2GRAY);
	return true;
}

void load_landmarks()
{
	try {
		dlib::deserialize(st->landmarks_path) >> st->landmarks;
		st->landmarks_ok = st->landmarks.num_parts() == LANDMARKS;
		if (!st->landmarks_ok)
			vision_error("%s has %lu landmarks per face, not %d",
				     st->landmarks_path.c_str(), st->landmarks.num_parts(),
				     LANDMARKS);
	} catch (const std::exception &e) {
		std::string s = e.what();

		vision_error("cannot load the landmark model %s: %s", st->landmarks_path.c_str(),
			     s.substr(0, s.find('\n')).c_str());
	}
}

} // namespace

extern "C" int vision_image_detect(struct vaccel_session *sess, const void *img,
				   unsigned char *out_imgname, size_t len_img,
				   size_t len_out_imgname)
{
	static const char op[] = "image_detect";

	if (!sess || !img || !len_img)
		return VACCEL_EINVAL;
	vision_debug("session:%" PRId64 " %s %zu bytes", sess->id, op, len_img);
	return guarded(op, [&]() -> int {
		cv::Mat color, gray;
		std::vector<cv::Rect> faces;

		if (!decode(op, img, len_img, color, gray))
			return VACCEL_EINVAL;
		cv::equalizeHist(gray, gray);
		{
			std::lock_guard<std::mutex> g(st->cascade_lock);
			st->cascade.detectMultiScale(gray, faces, 1.1, 5, 0, cv::Size(30, 30));
		}
		order_faces(faces);

		std::string text = "faces: " + std::to_string(faces.size()) + "\n";
		for (size_t i = 0; i < faces.size(); i++) {
			text += face_lines(faces, i);
			cv::rectangle(color, faces[i], cv::Scalar(0, 255, 0), 2);
		}
		std::string saved = save_annotated(op, color);
		if (!saved.empty())
			text += "image: " + saved + "\n";
		return put_text(op, text, out_imgname, len_out_imgname);
	});
}

extern "C" int vision_image_pose(struct vaccel_session *sess, const void *img,
				 unsigned char *out_imgname, size_t len_img, size_t len_out_imgname)
{
	static const char op[] = "image_pose";

	if (!sess || !img || !len_img)
		return VACCEL_EINVAL;
	vision_debug("session:%" PRId64 " %s %zu bytes", sess->id, op, len_img);
	std::call_once(st->landmarks_once, load_landmarks);
	if (!st->landmarks_ok) {
		vision_error("%s: no landmark model (%s; libdlib-data, or set "
			     "VACCEL_VISION_LANDMARKS)",
			     op, st->landmarks_path.c_str());
		return VACCEL_ENOENT;
	}
	return guarded(op, [&]() -> int {
		cv::Mat color, gray;
		std::vector<dlib::rectangle> found;
		std::vector<cv::Rect> faces;

		if (!decode(op, img, len_img, color, gray))
			return VACCEL_EINVAL;
		dlib::cv_image<unsigned char> dimg(gray);
		{
			std::lock_guard<std::mutex> g(st->hog_lock);
			found = st->hog(dimg);
		}
		for (const auto &r : found)
			faces.emplace_back(static_cast<int>(r.left()), static_cast<int>(r.top()),
					   static_cast<int>(r.width()),
					   static_cast<int>(r.height()));
		order_faces(faces);

		std::string text = "faces: " + std::to_string(faces.size()) + "\n";
		for (size_t i = 0; i < faces.size(); i++) {
			const cv::Rect &f = faces[i];
			dlib::full_object_detection shape = st->landmarks(
			    dimg, dlib::rectangle(f.x, f.y, f.x + f.width - 1, f.y + f.height - 1));

			text += face_lines(faces, i);
			text += "landmarks " + std::to_string(i) + ":";
			for (unsigned long p = 0; p < shape.num_parts(); p++) {
				const dlib::point &pt = shape.part(p);

				text += " " + std::to_string(pt.x()) + "," + std::to_string(pt.y());
				cv::circle(
				    color,
				    cv::Point(static_cast<int>(pt.x()), static_cast<int>(pt.y())),
				    2, cv::Scalar(0, 0, 255), cv::FILLED);
			}
			text += "\n";
			cv::rectangle(color, f, cv::Scalar(0, 255, 0), 2);
		}
		std::string saved = save_annotated(op, color);
		if (!saved.empty())
			text += "image: " + saved + "\n";
		return put_text(op, text, out_imgname, len_out_imgname);
	});
}

extern "C" int vision_backend_init(void)
{
	struct stat sb;

	try {
		st = new state;
		st->cascade_path = env_or("VACCEL_VISION_CASCADE", CASCADE_DEFAULT);
		st->landmarks_path = env_or("VACCEL_VISION_LANDMARKS", LANDMARKS_DEFAULT);
		st->output_dir = env_or("VACCEL_VISION_OUTPUT_DIR", "");
		if (!st->cascade.load(st->cascade_path)) {
			vision_error("cannot load the face cascade %s (opencv-data, or set "
				     "VACCEL_VISION_CASCADE)",
				     st->cascade_path.c_str());
			goto fail;
		}
	} catch (const std::exception &e) {
		vision_error("start-up failed: %s", e.what());
		goto fail;
	}
	if (!st->output_dir.empty() &&
	    (stat(st->output_dir.c_str(), &sb) || !S_ISDIR(sb.st_mode))) {
		vision_error("VACCEL_VISION_OUTPUT_DIR=%s is not a directory",
			     st->output_dir.c_str());
		goto fail;
	}
	if (stat(st->landmarks_path.c_str(), &sb))
		vaccel_warn("[vision] no landmark model at %s: image_pose will fail",
			    st->landmarks_path.c_str());
	vision_debug("cascade %s, landmarks %s, annotated copies %s", st->cascade_path.c_str(),
		     st->landmarks_path.c_str(),
		     st->output_dir.empty() ? "off" : st->output_dir.c_str());
	return VACCEL_OK;
fail:
	delete st;
	st = nullptr;
	return VACCEL_EINVAL;
}

extern "C" void vision_backend_fini(void)
{
	delete st;
	st = nullptr;
}
